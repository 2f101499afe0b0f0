"""aiortc publishes over WHIP, aiortc viewers watch over WHEP, through our SFU on loopback."""
import asyncio
import time

from peers import Publisher, Viewer


def coverage(viewer: Viewer, start: float, end: float) -> tuple[float, int]:
    """Fraction of frame indices decoded between the first and last index seen in [start, end]."""
    seen = viewer.indices_between(start, end)
    if not seen:
        return 0.0, 0
    span = max(seen) - min(seen) + 1
    return len(seen) / span, span


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
            return [(coverage(v, start, end), v.audio_frames) for v in viewers]
        finally:
            for v in viewers:
                await v.close()
            await pub.close()

    results = run(scenario(), timeout=60)
    for i, ((fraction, span), audio) in enumerate(results):
        print(f"viewer {i}: decoded {fraction:.1%} of a {span}-frame span in 10 s, {audio} audio frames")
    for i, ((fraction, span), audio) in enumerate(results):
        # 10 s at 30 fps is ~300 frames; the span proves frames kept flowing the whole window.
        assert span >= 240, f"viewer {i}: only {span} frames spanned in 10 s"
        assert fraction >= 0.90, f"viewer {i}: decoded {fraction:.1%} of frames"
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
