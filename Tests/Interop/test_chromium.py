"""Headless Chromium on the server's web page: it goes live and aiortc decodes it; aiortc goes live
and Chromium decodes it (framesDecoded from Chromium's own getStats())."""
import asyncio
import time
from urllib.parse import urlencode

from browser import Browser
from peers import Publisher, Viewer


def page(server, room, token, mode):
    return f"{server.base}/?" + urlencode({"room": room, "token": token, "mode": mode, "autostart": "1"})


def test_chromium_host_is_decoded_by_an_aiortc_viewer(server, run):
    room = "chromium-host"
    browser = Browser()
    try:
        browser.open(page(server, room, server.token(room, "chromium-host", "host"), "host"))
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and browser.outbound_video_frames_encoded() <= 0:
            time.sleep(0.2)
        assert browser.outbound_video_frames_encoded() > 0, f"Chromium never sent video: {browser.state()}"

        async def watch():
            viewer = Viewer(server.base, room, server.token(room, "aiortc-viewer", "viewer"))
            try:
                await viewer.start()
                await asyncio.sleep(8.0)
                return len(viewer.video_frames)
            finally:
                await viewer.close()

        decoded = run(watch(), timeout=40)
        print(f"aiortc decoded {decoded} frames of Chromium's fake camera in 8 s")
        assert decoded >= 100, f"aiortc decoded {decoded} frames of Chromium's camera in 8 s"
    finally:
        browser.close()


def test_aiortc_host_is_decoded_by_chromium_on_the_web_page(server, run):
    room = "chromium-watch"

    async def scenario():
        pub = Publisher(server.base, room, server.token(room, "aiortc-host", "host"))
        await pub.start()
        browser = Browser()
        try:
            await asyncio.sleep(1.0)
            browser.open(page(server, room, server.token(room, "chromium-viewer", "viewer"), "watch"))
            samples = []
            for _ in range(16):
                await asyncio.sleep(0.5)
                samples.append(browser.inbound_video_frames_decoded())
            return samples, browser.state()
        finally:
            browser.close()
            await pub.close()

    samples, state = run(scenario(), timeout=60)
    print(f"Chromium framesDecoded every 0.5 s: {samples}")
    assert samples[-1] >= 100, f"Chromium decoded {samples[-1]} frames (state {state}); samples {samples}"
    assert samples[-1] > samples[len(samples) // 2] > 0, f"framesDecoded not growing: {samples}"
