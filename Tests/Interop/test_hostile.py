"""Hostile traffic at the media port while a room is live: random datagrams, STUN with wrong
credentials, DTLS and RTP from unknown addresses. All of it is dropped and counted, the viewer
keeps decoding, and the process stays up."""
import asyncio
import os
import random
import socket
import time

from aioice import stun

from peers import Publisher, Viewer, decoded_share


def dropped_total(metrics: dict[str, float]) -> float:
    return sum(v for k, v in metrics.items() if k.startswith("chobi_media_datagrams_dropped_total"))


def hostile_datagrams(rng: random.Random) -> list[bytes]:
    out = []
    for _ in range(1000):                        # noise of every first byte
        out.append(bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 1400))))
    for i in range(300):                         # well-formed STUN, credentials we never issued
        msg = stun.Message(message_method=stun.Method.BINDING, message_class=stun.Class.REQUEST)
        msg.attributes["USERNAME"] = f"nosuch{i}:peer"
        msg.attributes["PRIORITY"] = 12345
        msg.add_message_integrity(os.urandom(16))
        msg.add_fingerprint()
        out.append(bytes(msg))
    for _ in range(300):                         # DTLS handshake records from a stranger
        out.append(bytes([22, 0xFE, 0xFD]) + os.urandom(rng.randint(10, 300)))
    for _ in range(300):                         # RTP before any DTLS
        out.append(bytes([0x80, 96]) + os.urandom(rng.randint(10, 1200)))
    rng.shuffle(out)
    return out


def test_hostile_traffic_is_dropped_and_the_room_keeps_flowing(server, run):
    room = "hostile"
    rng = random.Random(1126)
    datagrams = hostile_datagrams(rng)

    async def scenario():
        pub = Publisher(server.base, room, server.token(room, "host-h", "host"))
        await pub.start()
        viewer = Viewer(server.base, room, server.token(room, "viewer-h", "viewer"))
        try:
            await asyncio.sleep(1.0)
            await viewer.start()
            await asyncio.sleep(2.0)
            before = dropped_total(server.metrics())
            flood_start = time.monotonic()
            socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(8)]
            for i, d in enumerate(datagrams):       # from 8 source ports, paced over ~2 s
                socks[i % 8].sendto(d, ("127.0.0.1", server.media_port))
                if i % 100 == 99:
                    await asyncio.sleep(0.1)
            for s in socks:
                s.close()
            await asyncio.sleep(3.0)
            end = time.monotonic()
            after = dropped_total(server.metrics())
            return decoded_share(viewer, pub, flood_start, end), before, after
        finally:
            await viewer.close()
            await pub.close()

    (share, sent), before, after = run(scenario(), timeout=60)
    print(f"sent {len(datagrams)} hostile datagrams; server counted {after - before:.0f} drops; "
          f"viewer decoded {share:.1%} of the {sent} frames sent during and after the flood")
    assert server.alive(), "the server exited"
    assert after - before >= len(datagrams), f"counted {after - before} drops for {len(datagrams)} hostile datagrams"
    assert sent >= 60, f"the publisher sent only {sent} frames during the flood"
    assert share >= 0.9, f"viewer decoded {share:.1%} of the frames sent during the flood"
