"""Real WebRTC peers (aiortc) for interop tests: a WHIP publisher whose video frames carry their
own index in the pixels, and WHEP viewers that decode frames and read those indices back. What a
test asserts comes from the viewer's decoder, never from the server's logs."""
import asyncio
import fractions
import math
import time

import aioice.ice
import aiohttp
import av
import numpy as np
from aiortc import (MediaStreamTrack, RTCConfiguration, RTCPeerConnection,
                    RTCSessionDescription, VideoStreamTrack)

# aioice drops loopback addresses when gathering; the tests run on loopback only (network rule).
aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"] if use_ipv4 else []

WIDTH, HEIGHT = 640, 480
BITS = 16  # frame index bits drawn as blocks
BLOCK = 40


def draw_index(index: int) -> np.ndarray:
    """A 640x480 BGR frame whose top row of 16 blocks spells `index` in binary (white = 1).
    Big flat blocks survive VP8 at any sane bitrate, so the viewer can read the index back."""
    img = np.full((HEIGHT, WIDTH, 3), 64, dtype=np.uint8)
    img[BLOCK * 2:, :, 1] = (index * 7) % 256  # some motion below the code row
    for bit in range(BITS):
        if index >> bit & 1:
            img[0:BLOCK, bit * BLOCK:(bit + 1) * BLOCK] = 255
        else:
            img[0:BLOCK, bit * BLOCK:(bit + 1) * BLOCK] = 0
    return img


def read_index(frame: av.VideoFrame) -> int:
    gray = frame.to_ndarray(format="gray")
    if gray.shape[0] < BLOCK or gray.shape[1] < BLOCK * BITS:
        return -1
    value = 0
    for bit in range(BITS):
        block = gray[8:BLOCK - 8, bit * BLOCK + 8:(bit + 1) * BLOCK - 8]
        if block.mean() > 128:
            value |= 1 << bit
    return value


async def decode_frames(track, on_video, on_audio=None, on_size=None):
    """Pulls decoded frames from a remote track until it ends: each video frame's drawn index
    and arrival time go to `on_video` (its width and height to `on_size`), each audio frame to
    `on_audio`."""
    while True:
        try:
            frame = await track.recv()
        except Exception:
            return
        if track.kind == "video":
            if on_size:
                on_size(frame.width, frame.height, time.monotonic())
            on_video(read_index(frame), time.monotonic())
        elif on_audio:
            on_audio()


class IndexedVideoTrack(VideoStreamTrack):
    """30 fps synthetic video; remembers when each index was handed to the encoder. `offset` is
    added to every index, so a viewer can tell two publishers apart (host 0.., guest 32768..)."""

    def __init__(self, offset: int = 0):
        super().__init__()
        self.count = 0
        self.offset = offset
        self.sent_at: list[float] = []

    async def recv(self):
        pts, time_base = await self.next_timestamp()
        frame = av.VideoFrame.from_ndarray(draw_index((self.offset + self.count) % (1 << BITS)), format="bgr24")
        frame.pts, frame.time_base = pts, time_base
        self.sent_at.append(time.monotonic())
        self.count += 1
        return frame


class ToneAudioTrack(MediaStreamTrack):
    """20 ms frames of a 440 Hz tone at 48 kHz mono (not silence, so no encoder can DTX it away)."""
    kind = "audio"

    def __init__(self):
        super().__init__()
        self.samples = 0
        self.start = None
        self.gain = 1.0   # 0 sends digital silence (audio level 127), e.g. a guest who is not speaking

    async def recv(self):
        if self.start is None:
            self.start = time.monotonic()
        n = 960
        due = self.start + self.samples / 48000
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        t = (np.arange(n) + self.samples) / 48000
        pcm = (np.sin(2 * math.pi * 440 * t) * 8000 * self.gain).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = 48000
        frame.pts = self.samples
        frame.time_base = fractions.Fraction(1, 48000)
        self.samples += n
        return frame


async def http_offer(url: str, token: str, sdp: str) -> tuple[int, str, str | None]:
    """POSTs an SDP offer (WHIP/WHEP); returns (status, body, Location)."""
    async with aiohttp.ClientSession() as http:
        async with http.post(url, data=sdp, headers={
            "Content-Type": "application/sdp", "Authorization": f"Bearer {token}"}) as r:
            return r.status, await r.text(), r.headers.get("Location")


async def http_delete(url: str, token: str) -> int:
    async with aiohttp.ClientSession() as http:
        async with http.delete(url, headers={"Authorization": f"Bearer {token}"}) as r:
            return r.status


class Publisher:
    """aiortc WHIP publisher: sendonly VP8 video + Opus audio."""

    def __init__(self, base: str, room: str, token: str, video_offset: int = 0):
        self.base, self.room, self.token = base, room, token
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.video = IndexedVideoTrack(video_offset)
        self.audio = ToneAudioTrack()
        self.location = None

    async def start(self, expect_status: int = 201):
        self.pc.addTransceiver(self.video, direction="sendonly")
        self.pc.addTransceiver(self.audio, direction="sendonly")
        await self.pc.setLocalDescription(await self.pc.createOffer())
        status, body, location = await http_offer(f"{self.base}/whip/{self.room}", self.token,
                                                  self.pc.localDescription.sdp)
        if status != expect_status:
            raise AssertionError(f"WHIP answered {status}: {body}")
        if status != 201:
            return status
        self.location = location
        await self.pc.setRemoteDescription(RTCSessionDescription(body, "answer"))

    async def close(self):
        if self.location:
            await http_delete(self.base + self.location, self.token)
        await self.pc.close()


class Viewer:
    """aiortc WHEP viewer: decodes video and audio, records the index and time of each frame."""

    def __init__(self, base: str, room: str, token: str, answer_filter=None):
        self.base, self.room, self.token = base, room, token
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.video_frames: list[tuple[int, float]] = []   # (index, monotonic time)
        self.video_sizes: list[tuple[int, int, float]] = []   # (width, height, monotonic time)
        self.audio_frames = 0
        self.answer_at = None
        self.answer_sdp = None
        self.answer_filter = answer_filter
        self.location = None
        self._tasks = []

        @self.pc.on("track")
        def on_track(track):
            self._tasks.append(asyncio.ensure_future(self._consume(track)))

    async def _consume(self, track):
        def audio():
            self.audio_frames += 1
        await decode_frames(track, lambda index, t: self.video_frames.append((index, t)), audio,
                            lambda w, h, t: self.video_sizes.append((w, h, t)))

    async def start(self):
        self.pc.addTransceiver("video", direction="recvonly")
        self.pc.addTransceiver("audio", direction="recvonly")
        await self.pc.setLocalDescription(await self.pc.createOffer())
        status, body, location = await http_offer(f"{self.base}/whep/{self.room}", self.token,
                                                  self.pc.localDescription.sdp)
        if status != 201:
            raise AssertionError(f"WHEP answered {status}: {body}")
        self.location = location
        self.answer_sdp = body
        if self.answer_filter:
            body = self.answer_filter(body)
        self.answer_at = time.monotonic()
        await self.pc.setRemoteDescription(RTCSessionDescription(body, "answer"))

    async def close(self):
        for t in self._tasks:
            t.cancel()
        if self.location:
            await http_delete(self.base + self.location, self.token)
        await self.pc.close()


def decoded_share(viewer: Viewer, publisher: Publisher, start: float, end: float) -> tuple[float, int]:
    """Of the frames the publisher handed its encoder in [start, end - 0.5 s] (the last half
    second may still be in flight), the share this viewer decoded by `end`; and how many that was.
    Measured against what was really sent, so a slow publisher on a loaded machine does not count
    against the SFU."""
    sent = {i for i, t in enumerate(publisher.video.sent_at) if start <= t <= end - 0.5}
    if not sent:
        return 0.0, 0
    decoded = {i for i, t in viewer.video_frames if t <= end}
    return len(sent & decoded) / len(sent), len(sent)
