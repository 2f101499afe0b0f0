"""aiortc publishes over WHIP, aiortc viewers watch over WHEP, through our SFU on loopback."""
import asyncio
import time

from peers import Publisher, Viewer, decoded_share


def test_three_viewers_decode_the_publishers_frames(server, run):
    room = "whip-three"

    async def scenario():
        pub = Publisher(server.base, room, server.token(room, "host-1", "host"))
        await pub.start()
        viewers = [Viewer(server.base, room, server.token(room, f"viewer-{i}", "viewer")) for i in range(3)]
        try:
            await asyncio.sleep(1.0)
            for v in viewers:
                await v.start()
            await asyncio.sleep(2.0)  # connect, first keyframe
            start = time.monotonic()
            await asyncio.sleep(10.0)
            end = time.monotonic()
            return [(decoded_share(v, pub, start, end), v.audio_frames) for v in viewers]
        finally:
            for v in viewers:
                await v.close()
            await pub.close()

    results = run(scenario(), timeout=60)
    for i, ((fraction, sent), audio) in enumerate(results):
        print(f"viewer {i}: decoded {fraction:.1%} of the {sent} frames sent in 9.5 s, {audio} audio frames")
    for i, ((fraction, sent), audio) in enumerate(results):
        # 30 fps for 9.5 s is 285 frames; a loaded machine slows the Python publisher, not the SFU.
        assert sent >= 150, f"the publisher sent only {sent} frames in 9.5 s"
        assert fraction >= 0.90, f"viewer {i}: decoded {fraction:.1%} of the frames sent"
        assert audio >= 250, f"viewer {i}: only {audio} audio frames in ~12 s"


def test_viewer_joining_mid_stream_decodes_within_500_ms(server, run):
    room = "whip-midstream"

    async def scenario():
        pub = Publisher(server.base, room, server.token(room, "host-2", "host"))
        await pub.start()
        viewer = Viewer(server.base, room, server.token(room, "late-viewer", "viewer"))
        try:
            await asyncio.sleep(4.0)  # well past the publisher's first keyframe
            await viewer.start()
            deadline = time.monotonic() + 5
            while not viewer.video_frames and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            return viewer.answer_at, viewer.video_frames[0][1] if viewer.video_frames else None
        finally:
            await viewer.close()
            await pub.close()

    answer_at, first_frame_at = run(scenario(), timeout=30)
    assert first_frame_at is not None, "the late viewer decoded nothing"
    delay = first_frame_at - answer_at
    print(f"late viewer: first decoded frame {delay * 1000:.0f} ms after the WHEP answer")
    assert delay < 0.5, f"first frame {delay * 1000:.0f} ms after the answer"
