"""Media quality as the far side sees it: a Chromium host with the 640x480 30 fps fake camera must
leave its start bitrate because the SFU gives it congestion feedback, and viewers must decode what
it then sends. Every figure comes from the peers' own stats (Chromium's getStats, aiortc's
decoder), never from the server's logs."""
import asyncio
import time
from urllib.parse import urlencode

from browser import Browser
from peers import Viewer

# Chromium's fake camera runs at 20 fps unless told otherwise; a webcam gives 30.
CAMERA_30_FPS = ("--use-fake-device-for-media-stream=fps=30",)


def page(server, room, token, mode):
    return f"{server.base}/?" + urlencode({"room": room, "token": token, "mode": mode, "autostart": "1"})


def first(items):
    return items[0] if items else None


def wait_for(predicate, timeout, step=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


def test_chromium_host_streams_640x480_at_full_rate_and_viewers_decode_it(server, run):
    room = "quality-host"
    host = Browser(extra_flags=CAMERA_30_FPS)
    watcher = None
    try:
        host.open(page(server, room, server.token(room, "q-host", "host"), "host"))
        started = wait_for(lambda: (o := first(host.rtp_stats()["outbound"])) and o["framesSent"] > 0 and o, 15)
        assert started, f"Chromium never sent video: {host.state()}"
        t0 = time.monotonic()

        # Within 8 s of the first frame: the publisher's own outbound-rtp says 640 wide, at least
        # 25 frames per second sent (counted from framesSent over the last second), and no limit.
        history = []   # (time, framesSent, frameWidth, qualityLimitationReason, targetBitrate)
        reached = None
        while time.monotonic() < t0 + 8 and reached is None:
            time.sleep(0.25)
            o = first(host.rtp_stats()["outbound"])
            now = time.monotonic()
            history.append((now, o["framesSent"], o["frameWidth"], o["qualityLimitationReason"], o["targetBitrate"]))
            back = [h for h in history if h[0] <= now - 1.0]
            if not back:
                continue
            then = back[-1]
            fps = (o["framesSent"] - then[1]) / (now - then[0])
            if o["frameWidth"] == 640 and fps >= 25 and o["qualityLimitationReason"] == "none":
                reached = (now - t0, fps, o["targetBitrate"])
        trace = [(round(h[0] - t0, 2), h[1], h[2], h[3], h[4]) for h in history[::4]]
        print(f"Chromium host outbound (t, framesSent, width, limit, targetBitrate): {trace}")
        assert reached is not None, f"host never reached 640 wide, >= 25 fps sent, limit none within 8 s: {trace}"
        print(f"host reached 640x480 at {reached[1]:.1f} fps sent, target {reached[2]} bit/s, "
              f"{reached[0]:.1f} s after its first frame")

        # Viewers: a Chromium page and an aiortc decoder, each decoding 640x480 at >= 25 fps.
        watcher = Browser()
        watcher.open(page(server, room, server.token(room, "q-chromium-viewer", "viewer"), "watch"))

        async def watch():
            viewer = Viewer(server.base, room, server.token(room, "q-aiortc-viewer", "viewer"))
            try:
                await viewer.start()
                await asyncio.sleep(5.0)
                t1 = time.monotonic()
                before = first(watcher.rtp_stats()["inbound"])
                await asyncio.sleep(3.0)
                t2 = time.monotonic()
                after = first(watcher.rtp_stats()["inbound"])
                sizes = [(w, h) for w, h, t in viewer.video_sizes if t1 <= t <= t2]
                return before, after, t2 - t1, sizes
            finally:
                await viewer.close()

        before, after, span, sizes = run(watch(), timeout=60)
        assert before and after, f"the Chromium viewer has no inbound video: {watcher.state()}"
        chromium_fps = (after["framesDecoded"] - before["framesDecoded"]) / span
        aiortc_fps = len(sizes) / span
        print(f"Chromium viewer: {after['frameWidth']}x{after['frameHeight']} at {chromium_fps:.1f} fps decoded; "
              f"aiortc viewer: {sorted(set(sizes))} at {aiortc_fps:.1f} fps decoded")
        assert (after["frameWidth"], after["frameHeight"]) == (640, 480), after
        assert chromium_fps >= 25, f"Chromium viewer decoded {chromium_fps:.1f} fps"
        assert sizes and set(sizes) == {(640, 480)}, f"aiortc decoded sizes {sorted(set(sizes))}"
        assert aiortc_fps >= 25, f"aiortc viewer decoded {aiortc_fps:.1f} fps"

        o = first(host.rtp_stats()["outbound"])
        assert o["frameWidth"] == 640 and o["qualityLimitationReason"] == "none", o
        feedback = server.metrics().get('chobi_congestion_feedback_total{direction="sent"}', 0)
        assert feedback > 0, "the server sent no congestion feedback"
    finally:
        if watcher:
            watcher.close()
        host.close()
