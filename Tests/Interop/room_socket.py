"""An aiortc participant on the /rtc WebSocket (docs/signaling.md) that watches everything the
room publishes: it offers to receive audio and video, answers the server's renegotiations (one
new section per published track), decodes every video frame and reads the index drawn into it,
and keeps every room event it is sent. With `chat=True` it also opens the room's `chat` data
channel and keeps what arrives on it, as the far side of our SCTP sees it."""
import asyncio
import json
import time

import websockets
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

from peers import decode_frames


class RoomWatcher:
    def __init__(self, base: str, room_token: str, chat: bool = False, sdp_filter=None):
        host = base.removeprefix("http://")
        self.url = f"ws://{host}/rtc?token={room_token}"
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.sdp_filter = sdp_filter or (lambda sdp: sdp)   # e.g. an impairment relay's rewrite
        self.audio_frames: list[float] = []  # monotonic arrival time of each decoded audio frame
        self.frames: list[tuple[int, float]] = []  # (index, monotonic time)
        self.video_tracks: list[list[float]] = []  # per received video track, its frames' times
        self.events: list[dict] = []
        self.closed_reason = None
        self.socket_closed = asyncio.Event()
        self._tasks = []
        self._ws = None
        self.chat = self.pc.createDataChannel("chat") if chat else None
        self.chat_messages: list = []  # what the channel delivered: dicts (JSON) or raw bytes
        self.chat_open = asyncio.Event()
        if self.chat is not None:
            self.chat.on("open", self.chat_open.set)

            @self.chat.on("message")
            def on_chat(message):
                self.chat_messages.append(json.loads(message) if isinstance(message, str) else message)

        @self.pc.on("track")
        def on_track(track):
            times: list[float] = []
            if track.kind == "video":
                self.video_tracks.append(times)

            def on_video(index, t):
                self.frames.append((index, t))
                times.append(t)
            self._tasks.append(asyncio.ensure_future(
                decode_frames(track, on_video, lambda: self.audio_frames.append(time.monotonic()))))


    def count(self, predicate, since: float = 0.0) -> int:
        return sum(1 for index, t in self.frames if t >= since and predicate(index))

    def frames_per_track(self, since: float) -> list[int]:
        """How many frames each received video track decoded since `since`."""
        return [sum(1 for t in times if t >= since) for times in self.video_tracks]

    async def wait_chat(self, predicate, timeout: float = 10.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if (found := next((m for m in self.chat_messages if isinstance(m, dict) and _holds(predicate, m)), None)):
                return found
            await asyncio.sleep(0.05)
        raise AssertionError(f"no such chat message within {timeout} s; got {self.chat_messages}")

    def event(self, kind: str) -> dict | None:
        return next((e for e in self.events if e.get("type") == kind), None)

    async def wait_event(self, kind: str, timeout: float = 10.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if (found := self.event(kind)) is not None:
                return found
            await asyncio.sleep(0.05)
        raise AssertionError(f"no {kind} within {timeout} s; events: {[e.get('type') for e in self.events]}")

    async def start(self):
        self._ws = await websockets.connect(self.url, max_size=2**20)
        await self._ws.send(json.dumps({"type": "join", "id": "j"}))
        joined = json.loads(await self._ws.recv())
        assert joined["type"] == "joined", joined
        self.joined = joined
        self.pc.addTransceiver("video", direction="recvonly")
        self.pc.addTransceiver("audio", direction="recvonly")
        await self.pc.setLocalDescription(await self.pc.createOffer())
        await self._ws.send(json.dumps({"type": "offer", "id": "o", "sdp": self.pc.localDescription.sdp}))
        self._tasks.append(asyncio.ensure_future(self._read()))

    async def _read(self):
        try:
            async for text in self._ws:
                msg = json.loads(text)
                msg["_at"] = time.monotonic()   # when it arrived, for latency checks
                self.events.append(msg)
                kind = msg.get("type")
                if kind == "answer":
                    await self.pc.setRemoteDescription(RTCSessionDescription(self.sdp_filter(msg["sdp"]), "answer"))
                elif kind == "offer":
                    await self.pc.setRemoteDescription(RTCSessionDescription(self.sdp_filter(msg["sdp"]), "offer"))
                    await self.pc.setLocalDescription(await self.pc.createAnswer())
                    await self._ws.send(json.dumps({"type": "answer", "sdp": self.pc.localDescription.sdp}))
                elif kind == "closed":
                    self.closed_reason = msg.get("reason")
        except websockets.ConnectionClosed:
            pass
        finally:
            self.socket_closed.set()

    async def close(self):
        if self._ws is not None:
            await self._ws.close()
        for t in self._tasks:
            t.cancel()
        await self.pc.close()


def _holds(predicate, message: dict) -> bool:
    """A predicate written for one kind of message (m["text"]) is false for the others."""
    try:
        return bool(predicate(message))
    except (KeyError, TypeError):
        return False
