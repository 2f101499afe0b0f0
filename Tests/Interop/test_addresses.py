"""Announce addresses from the far side: a server bound to every interface (`::`, dual stack)
announcing an IPv4 and an IPv6 address answers with a UDP host candidate for each, then a passive
TCP one for each, in that order; aiortc connects and its viewer decodes. A wildcard announce
address, or a wildcard bind with none, is refused at start with a message saying why."""
import asyncio
import subprocess

from conftest import SERVER_BIN, Server, free_tcp_port, free_udp_base
from peers import Publisher, Viewer


def candidates(sdp: str) -> list[tuple[str, str, str, str | None]]:
    """(transport, address, port, tcptype) of each a=candidate line, in order."""
    out = []
    for line in sdp.splitlines():
        if line.startswith("a=candidate:"):
            f = line.split()
            tcptype = f[f.index("tcptype") + 1] if "tcptype" in f else None
            out.append((f[2].lower(), f[4], f[5], tcptype))
    return out


def test_dual_stack_server_announces_both_families_udp_first(run):
    server = Server(extra_args=("--media-host", "::", "--announce-ip", "127.0.0.1, ::1"))
    server.start()
    try:
        room = "addresses"

        async def scenario():
            pub = Publisher(server.base, room, server.token(room, "addr-host", "host"))
            await pub.start()
            viewer = Viewer(server.base, room, server.token(room, "addr-viewer", "viewer"))
            await viewer.start()
            try:
                await asyncio.sleep(5.0)
                return viewer.answer_sdp, len(viewer.video_frames)
            finally:
                await viewer.close()
                await pub.close()

        answer, frames = run(scenario(), timeout=60)
        found = candidates(answer)
        # One media section's worth (bundled sections repeat them).
        per_section = found[:4]
        port = str(server.media_port)
        print(f"candidates {per_section}; viewer decoded {frames} frames in 5 s")
        assert per_section == [("udp", "127.0.0.1", port, None), ("udp", "::1", port, None),
                               ("tcp", "127.0.0.1", port, "passive"), ("tcp", "::1", port, "passive")], found
        assert frames >= 60, f"viewer decoded {frames} frames through the dual-stack server"
    finally:
        server.stop()


def refused(*args: str) -> tuple[int, str]:
    http, media = free_tcp_port(), free_udp_base(1)
    proc = subprocess.run([str(SERVER_BIN), "serve", "--http-port", str(http), "--media-port", str(media),
                           "--data-dir", "/tmp/chobi-addresses-refused", *args],
                          capture_output=True, text=True, timeout=30)
    return proc.returncode, proc.stdout + proc.stderr


def test_wildcard_addresses_are_refused_at_start():
    code, output = refused("--media-host", "0.0.0.0")
    assert code != 0 and "--announce-ip" in output, (code, output)
    code, output = refused("--media-host", "127.0.0.1", "--announce-ip", "0.0.0.0")
    assert code != 0 and "wildcard" in output, (code, output)
    code, output = refused("--media-host", "::", "--announce-ip", "127.0.0.1,::")
    assert code != 0 and "wildcard" in output, (code, output)
