"""ICE over TCP (RFC 6544) from the far side: with UDP to the media port dropped by an nftables
rule in the test's namespace, a Chromium host and a Chromium viewer reach the SFU over its
passive TCP candidate, the viewer decodes the host's camera, Chromium's own stats name TCP as the
selected pair's protocol, and the server's /metrics count the frames on TCP."""
import subprocess
import time
import uuid
from urllib.parse import urlencode

from browser import Browser


def page(server, room, token, mode):
    return f"{server.base}/?" + urlencode({"room": room, "token": token, "mode": mode, "autostart": "1"})


class UDPBlock:
    """An nftables table in this namespace dropping UDP to `port` (the test's own namespace only)."""

    def __init__(self, port: int):
        self.table = "chobi_tcp_" + uuid.uuid4().hex[:8]
        self.port = port

    def __enter__(self):
        for command in (f"add table inet {self.table}",
                        f"add chain inet {self.table} out {{ type filter hook output priority 0 ; }}",
                        f"add rule inet {self.table} out udp dport {self.port} drop",
                        f"add rule inet {self.table} out udp sport {self.port} drop"):
            subprocess.run(["nft", *command.split()], check=True)
        return self

    def __exit__(self, *exc):
        subprocess.run(["nft", "delete", "table", "inet", self.table], check=False)


def wait_for(predicate, timeout, step=0.5):
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return value


def test_chromium_pages_connect_over_ice_tcp_when_udp_is_blocked(server):
    room = "ice-tcp"
    before = server.metrics()
    with UDPBlock(server.media_port):
        # Chromium's fake camera runs at 20 fps unless told otherwise.
        host = Browser(extra_flags=("--use-fake-device-for-media-stream=fps=30",))
        viewer = None
        try:
            host.open(page(server, room, server.token(room, "tcp-host", "host"), "host"))
            sent = wait_for(lambda: host.outbound_video_frames_encoded() > 30, 25)
            assert sent, f"the host never sent video over TCP: {host.state()}"
            viewer = Browser()
            viewer.open(page(server, room, server.token(room, "tcp-viewer", "viewer"), "watch"))
            assert wait_for(lambda: viewer.inbound_video_frames_decoded() > 30, 25), f"viewer: {viewer.state()}"
            time.sleep(2.0)
            first = viewer.inbound_video_frames_decoded()
            t0 = time.monotonic()
            time.sleep(5.0)
            fps = (viewer.inbound_video_frames_decoded() - first) / (time.monotonic() - t0)
            print(f"host sends {host.rtp_stats()['outbound']}, viewer gets {viewer.rtp_stats()['inbound']}")
            pairs = [host.selected_transport(), viewer.selected_transport()]
            print(f"viewer decodes {fps:.1f} fps over ICE-TCP; selected pairs {pairs}")
            for pair in pairs:
                assert pair and pair["local"]["protocol"] == "tcp" and pair["remote"]["protocol"] == "tcp", pairs
                assert pair["remote"]["port"] == server.media_port and pair["remote"]["tcpType"] == "passive", pairs
            assert fps >= 25, f"viewer decoded {fps:.1f} fps over TCP"
        finally:
            if viewer:
                viewer.close()
            host.close()
    after = server.metrics()
    accepted = after['chobi_media_tcp_connections_total{outcome="accepted"}'] - before.get('chobi_media_tcp_connections_total{outcome="accepted"}', 0)
    received = after['chobi_media_tcp_frames_total{direction="received"}'] - before.get('chobi_media_tcp_frames_total{direction="received"}', 0)
    sent = after['chobi_media_tcp_frames_total{direction="sent"}'] - before.get('chobi_media_tcp_frames_total{direction="sent"}', 0)
    print(f"server: {accepted:.0f} TCP connections, {received:.0f} frames in, {sent:.0f} frames out")
    assert accepted >= 2
    assert received > 500 and sent > 500
