"""Recording live sessions into the video library (issue 16, recording) against the release
server: an aiortc host publishes 20 s of 640x480 VP8 + Opus with recording on; when the session
ends the video is `ready` with its duration, Debian's ffprobe/ffmpeg read and decode the file
without an error, and headless Chromium plays it and seeks to 15 s through range requests. A
recording cut by `kill -9` is listed after the restart, marked incomplete, and plays up to its
last cluster. Everything is read the way a client or a tool sees it: tRPC answers, HTTP, ffprobe."""
import asyncio
import http.client
import json
import secrets
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from browser import Browser
from conftest import Server
from aiortc import RTCRtpSender, RTCSessionDescription

from peers import Publisher, http_offer
from trpc import API

needs_ffmpeg = pytest.mark.skipif(shutil.which("ffprobe") is None, reason="Debian's ffmpeg is not installed")


@pytest.fixture(scope="module")
def srv():
    s = Server(extra_args=("--rate-per-address", "0", "--rate-per-user", "0"))
    s.start()
    yield s
    s.stop()


def wait_ready(account, video_id: str, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    video = None
    while time.monotonic() < deadline:
        video = account.api.query("videos.getVideo", {"videoId": video_id})["video"]
        if video["status"] in ("ready", "failed"):
            return video
        time.sleep(0.2)
    raise AssertionError(f"video not ready in {timeout} s: {video}")


def ffprobe(path: Path, *args: str) -> tuple[dict, str]:
    done = subprocess.run(["ffprobe", "-v", "error", *args, "-of", "json", str(path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), done.stderr.strip()


def video_packet_times(path: Path) -> list[float]:
    out, _ = ffprobe(path, "-select_streams", "v:0", "-show_entries", "packet=pts_time")
    return [float(p["pts_time"]) for p in out.get("packets", []) if p.get("pts_time") not in (None, "N/A")]


async def record(srv: Server, account, seconds: float, **create) -> tuple[str, str, Publisher]:
    created = account.api.mutate("streaming.createSession", {"title": "Recorded live", "record": True, **create})
    assert created["recording"] is True and created["recordingVideoId"], created
    session = created["session"]["id"]
    publisher = Publisher(srv.base, session, created["roomToken"])
    await publisher.start()
    await asyncio.sleep(seconds)
    return session, created["recordingVideoId"], publisher


@needs_ffmpeg
def test_a_recorded_session_becomes_a_playable_seekable_video(srv, run):
    api = API(srv.base)
    host = api.register(f"rec{secrets.token_hex(3)}")

    async def scenario():
        session, video_id, publisher = await record(srv, host, 20.5)
        host.api.mutate("streaming.endSession", {"sessionId": session})
        await publisher.close()
        return video_id

    video_id = run(scenario(), timeout=90)
    video = wait_ready(host, video_id)
    assert video["status"] == "ready", video
    assert video["source"] == "recording" and video["owner"]["id"] == host.id, video
    assert video["title"] == "Recorded live"
    assert abs(video["durationMs"] - 20_000) <= 1_000, video["durationMs"]
    assert video["thumbnailUrl"], video
    listed = api.query("videos.getVideos", {"userId": host.id})["videos"]
    assert [v["id"] for v in listed] == [video_id]

    path = Path(srv.data) / "videos" / video_id / "video.webm"
    probed, errors = ffprobe(path, "-show_streams", "-show_format")
    assert errors == ""
    streams = {s["codec_type"]: s for s in probed["streams"]}
    assert streams["video"]["codec_name"] == "vp8", streams
    assert (streams["video"]["width"], streams["video"]["height"]) == (640, 480), streams
    assert streams["audio"]["codec_name"] == "opus", streams
    assert abs(float(probed["format"]["duration"]) - 20) <= 1, probed["format"]
    # Every frame decodes: ffmpeg says nothing at -v error.
    decoded = subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-i", str(path), "-f", "null", "-"],
                             capture_output=True, text=True, timeout=120)
    assert decoded.returncode == 0 and decoded.stderr.strip() == "", decoded.stderr[-2000:]
    times = video_packet_times(path)
    assert len(times) >= 20 * 20, f"{len(times)} video frames in 20 s"
    print(f"recorded: {video['durationMs']} ms, ffprobe {float(probed['format']['duration']):.3f} s, "
          f"{len(times)} video frames, {path.stat().st_size} bytes")

    # Range requests: the server answers a seek's byte range with 206.
    conn = http.client.HTTPConnection("127.0.0.1", srv.http_port, timeout=10)
    conn.request("GET", f"/videos/{video_id}/file", headers={"Range": "bytes=1000-1999"})
    answer = conn.getresponse()
    assert answer.status == 206 and len(answer.read()) == 1000
    conn.close()

    # The HLS rendition (ffmpeg, in the background) appears and is served like the file.
    deadline = time.monotonic() + 90
    while not video.get("hlsUrl") and time.monotonic() < deadline:
        time.sleep(0.5)
        video = host.api.query("videos.getVideo", {"videoId": video_id})["video"]
    assert video.get("hlsUrl") == f"/videos/{video_id}/hls/index.m3u8", video
    conn = http.client.HTTPConnection("127.0.0.1", srv.http_port, timeout=10)
    conn.request("GET", video["hlsUrl"])
    answer = conn.getresponse()
    playlist = answer.read().decode()
    assert answer.status == 200 and playlist.startswith("#EXTM3U"), (answer.status, playlist[:200])
    segments = [line for line in playlist.splitlines() if line.endswith(".ts")]
    assert segments, playlist
    conn.request("GET", f"/videos/{video_id}/hls/{segments[0]}")
    answer = conn.getresponse()
    assert answer.status == 200 and answer.getheader("Content-Type") == "video/mp2t" and len(answer.read()) > 1000
    conn.request("GET", f"/videos/{video_id}/hls/..%2Fvideo.webm")
    answer = conn.getresponse()
    answer.read()
    assert answer.status == 404
    conn.close()
    rendition, _ = ffprobe(Path(srv.data) / "videos" / video_id / "hls" / "index.m3u8", "-show_streams")
    assert sorted(s["codec_name"] for s in rendition["streams"]) == ["aac", "h264"], rendition

    page = Browser()
    try:
        page.open(srv.base + "/")
        page.script("""
            const v = document.createElement('video');
            v.id = 'rec'; v.muted = true; v.src = arguments[0]; document.body.appendChild(v); v.play();
        """, f"/videos/{video_id}/file")

        def until(predicate, timeout, what):
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                value = predicate()
                if value:
                    return value
                time.sleep(0.2)
            state = page.script("const v = document.getElementById('rec');"
                                " return [v.currentTime, v.readyState, v.error && v.error.message];")
            raise AssertionError(f"timed out waiting for {what}: {state}")

        until(lambda: page.script("return document.getElementById('rec').currentTime > 1;"), 15, "playback")
        assert page.script("return document.getElementById('rec').videoWidth;") == 640
        assert abs(page.script("return document.getElementById('rec').duration;") - 20) <= 1
        before = page.script("return document.getElementById('rec').getVideoPlaybackQuality().totalVideoFrames;")
        page.script("document.getElementById('rec').currentTime = 15;")
        until(lambda: page.script("const v = document.getElementById('rec'); return !v.seeking && v.currentTime >= 15.5;"),
              15, "playback after the seek to 15 s")
        after = page.script("return document.getElementById('rec').getVideoPlaybackQuality().totalVideoFrames;")
        assert after > before, (before, after)
    finally:
        page.close()


@needs_ffmpeg
def test_a_recording_cut_by_kill_9_is_listed_incomplete_and_plays_to_its_last_cluster(run):
    s = Server(extra_args=("--rate-per-address", "0", "--rate-per-user", "0"))
    s.start()
    try:
        api = API(s.base)
        host = api.register(f"cut{secrets.token_hex(3)}")

        async def scenario():
            _, video_id, publisher = await record(s, host, 10.5)
            s.proc.kill()  # SIGKILL: nothing is finished, nothing patched
            s.proc.wait()
            await publisher.pc.close()
            return video_id

        video_id = run(scenario(), timeout=60)
        s.start()
        video = wait_ready(host, video_id)
        assert video["status"] == "ready" and video["incomplete"] is True, video
        assert video["durationMs"] >= 8_000, video
        listed = api.query("videos.getVideos", {"userId": host.id})["videos"]
        assert [v["id"] for v in listed] == [video_id]

        path = Path(s.data) / "videos" / video_id / "video.webm"
        times = video_packet_times(path)
        assert times and max(times) >= 8, f"last video frame at {max(times, default=0)} s"
        # The frames up to the cut decode (the cut itself may end mid-cluster: that is the tail ffmpeg drops).
        decoded = subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-i", str(path), "-map", "0:v:0", "-f", "null", "-"],
                                 capture_output=True, text=True, timeout=60)
        assert decoded.returncode == 0, decoded.stderr[-2000:]
        out, _ = ffprobe(path, "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames")
        assert int(out["streams"][0]["nb_read_frames"]) >= 8 * 20, out
        print(f"cut by kill -9: listed {video['durationMs']} ms, last video frame at {max(times):.3f} s, "
              f"{out['streams'][0]['nb_read_frames']} frames decode")
    finally:
        s.stop()


@needs_ffmpeg
def test_a_host_who_republishes_mid_session_is_recorded_across_the_switch(srv, run):
    """The host's second connection replaces the first (a reload): the recording follows the new
    tracks (new SSRCs, new subscriptions from random sequence numbers and timestamps) and the file
    stays one continuous, cleanly decoding video."""
    api = API(srv.base)
    host = api.register(f"re{secrets.token_hex(3)}")

    async def scenario():
        session, video_id, first = await record(srv, host, 5.0)
        token = host.api.mutate("streaming.joinSession", {"sessionId": session})["roomToken"]
        second = Publisher(srv.base, session, token, video_offset=1000)
        await second.start()
        await asyncio.sleep(0.5)
        await first.close()
        await asyncio.sleep(5.0)
        host.api.mutate("streaming.endSession", {"sessionId": session})
        await second.close()
        return video_id

    video_id = run(scenario(), timeout=60)
    video = wait_ready(host, video_id)
    assert video["status"] == "ready" and not video["incomplete"], video
    assert abs(video["durationMs"] - 10_500) <= 1_500, video["durationMs"]
    path = Path(srv.data) / "videos" / video_id / "video.webm"
    decoded = subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-i", str(path), "-f", "null", "-"],
                             capture_output=True, text=True, timeout=60)
    assert decoded.returncode == 0 and decoded.stderr.strip() == "", decoded.stderr[-2000:]
    times = video_packet_times(path)
    gaps = [b - a for a, b in zip(times, times[1:])]
    print(f"republished: {video['durationMs']} ms, {len(times)} video frames, longest gap {max(gaps):.3f} s")
    assert len(times) >= 10 * 20 and max(gaps) < 2.0, (len(times), max(gaps))


class H264Publisher(Publisher):
    """The same synthetic camera and tone, with H.264 as the only video codec offered."""

    async def start(self, expect_status: int = 201):
        video = self.pc.addTransceiver(self.video, direction="sendonly")
        video.setCodecPreferences([c for c in RTCRtpSender.getCapabilities("video").codecs
                                   if c.mimeType == "video/H264"])
        self.pc.addTransceiver(self.audio, direction="sendonly")
        await self.pc.setLocalDescription(await self.pc.createOffer())
        status, body, location = await http_offer(f"{self.base}/whip/{self.room}", self.token,
                                                  self.pc.localDescription.sdp)
        assert status == expect_status, body
        self.location = location
        await self.pc.setRemoteDescription(RTCSessionDescription(body, "answer"))


@needs_ffmpeg
def test_an_h264_host_is_recorded_as_playable_h264(srv, run):
    api = API(srv.base)
    host = api.register(f"avc{secrets.token_hex(3)}")

    async def scenario():
        created = host.api.mutate("streaming.createSession", {"title": "H.264 live", "record": True})
        publisher = H264Publisher(srv.base, created["session"]["id"], created["roomToken"])
        await publisher.start()
        await asyncio.sleep(6.5)
        host.api.mutate("streaming.endSession", {"sessionId": created["session"]["id"]})
        await publisher.close()
        return created["recordingVideoId"]

    video_id = run(scenario(), timeout=60)
    video = wait_ready(host, video_id)
    assert video["status"] == "ready" and video["videoCodec"] == "V_MPEG4/ISO/AVC", video
    path = Path(srv.data) / "videos" / video_id / "video.webm"
    probed, errors = ffprobe(path, "-show_streams", "-show_format")
    streams = {s["codec_type"]: s for s in probed["streams"]}
    assert streams["video"]["codec_name"] == "h264", streams
    assert (streams["video"]["width"], streams["video"]["height"]) == (640, 480), streams
    decoded = subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-i", str(path), "-f", "null", "-"],
                             capture_output=True, text=True, timeout=60)
    assert decoded.returncode == 0 and decoded.stderr.strip() == "", decoded.stderr[-2000:]
    times = video_packet_times(path)
    print(f"h264: {video['durationMs']} ms, {len(times)} video frames")
    assert abs(video["durationMs"] - 6_500) <= 1_000 and len(times) >= 6 * 20, (video["durationMs"], len(times))


@needs_ffmpeg
def test_a_guest_on_stage_is_recorded_into_a_video_of_their_own(srv, run):
    """Every publisher is recorded: the host into the session's video, a guest who comes on stage
    into one of their own (owned by the guest, titled with the session and their name), from the
    moment they publish; both are ready, VP8 640x480 and Opus, and decode cleanly."""
    api = API(srv.base)
    host = api.register(f"rh{secrets.token_hex(3)}")
    guest = api.register(f"rg{secrets.token_hex(3)}", display="Guest Star")

    async def scenario():
        session, host_video, host_pub = await record(srv, host, 2.0)
        host.api.mutate("streaming.inviteGuest", {"sessionId": session, "userId": guest.id})
        accepted = guest.api.mutate("streaming.respondToInvite", {"sessionId": session, "accept": True})
        assert accepted["role"] == "guest", accepted
        guest_pub = Publisher(srv.base, session, accepted["roomToken"], video_offset=5000)
        await guest_pub.start()
        await asyncio.sleep(6.0)
        host.api.mutate("streaming.endSession", {"sessionId": session})
        await guest_pub.close()
        await host_pub.close()
        return host_video

    host_video = run(scenario(), timeout=60)
    assert wait_ready(host, host_video)["status"] == "ready"
    deadline = time.monotonic() + 30
    listed = []
    while not listed and time.monotonic() < deadline:
        listed = api.query("videos.getVideos", {"userId": guest.id})["videos"]
        time.sleep(0.3)
    assert len(listed) == 1, listed
    video = wait_ready(guest, listed[0]["id"])
    assert video["status"] == "ready" and video["source"] == "recording", video
    assert video["owner"]["id"] == guest.id and video["title"] == "Recorded live — Guest Star", video
    # On stage for ~6 s after the host's first 2 s.
    assert 4_000 <= video["durationMs"] <= 8_000, video["durationMs"]
    path = Path(srv.data) / "videos" / video["id"] / "video.webm"
    probed, errors = ffprobe(path, "-show_streams", "-show_format")
    assert errors == ""
    streams = {s["codec_type"]: s for s in probed["streams"]}
    assert streams["video"]["codec_name"] == "vp8" and (streams["video"]["width"], streams["video"]["height"]) == (640, 480)
    assert streams["audio"]["codec_name"] == "opus", streams
    decoded = subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-i", str(path), "-f", "null", "-"],
                             capture_output=True, text=True, timeout=60)
    assert decoded.returncode == 0 and decoded.stderr.strip() == "", decoded.stderr[-2000:]
    print(f"guest recorded: {video['durationMs']} ms, {len(video_packet_times(path))} video frames")
