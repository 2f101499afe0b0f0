"""5 % random loss of video between the SFU and a viewer: the SFU answers the viewer's NACKs from its packet
cache and the viewer keeps decoding."""
import asyncio
import re
import time

from peers import Publisher, Viewer, decoded_share
from relay import LossyRelay


def rtx_payload_types(sdp: str) -> set[int]:
    return {int(pt) for pt in re.findall(r"a=rtpmap:(\d+) rtx/", sdp)}


def test_viewer_recovers_from_five_percent_loss(server, run):
    room = "lossy"
    relay = LossyRelay(server.media_port, loss=0.05, seed=20261126)
    relay.start()

    async def scenario():
        pub = Publisher(server.base, room, server.token(room, "host-loss", "host"))
        await pub.start()
        viewer = Viewer(server.base, room, server.token(room, "viewer-loss", "viewer"),
                        answer_filter=relay.rewrite_answer)
        try:
            await asyncio.sleep(1.0)
            await viewer.start()
            await asyncio.sleep(2.0)
            start = time.monotonic()
            await asyncio.sleep(10.0)
            end = time.monotonic()
            return decoded_share(viewer, pub, start, end), viewer.answer_sdp
        finally:
            await viewer.close()
            await pub.close()

    try:
        (share, sent), answer = run(scenario(), timeout=60)
    finally:
        relay.stop()

    # The publisher's bitrate follows the SFU's REMB (aiortc obeys it), so the packet count, and
    # with it the number dropped, varies with the machine's load.
    assert relay.dropped >= 8, f"relay dropped only {relay.dropped} packets"
    rtx = sum(n for pt, n in relay.by_payload_type.items() if pt in rtx_payload_types(answer))
    retransmissions = rtx + relay.duplicates
    # Each dropped packet the viewer NACKs comes back once more, over RTX or with its own number.
    assert retransmissions >= relay.dropped * 0.5, \
        f"{retransmissions} retransmissions for {relay.dropped} drops"
    print(f"relay dropped {relay.dropped} of {relay.dropped + relay.forwarded_rtp} RTP packets; "
          f"{rtx} RTX + {relay.duplicates} same-number retransmissions reached the viewer; "
          f"viewer decoded {share:.1%} of the {sent} frames sent in 9.5 s")
    assert sent >= 150, f"the publisher sent only {sent} frames in 9.5 s"
    assert share >= 0.90, f"viewer decoded {share:.1%} of the frames sent, under 5 % loss"
