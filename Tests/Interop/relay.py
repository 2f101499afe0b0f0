"""A user-space UDP relay between one viewer and the SFU that drops a seeded share of the media
going to the viewer (the kernel here has no netem) and records what passed, so a test can see
retransmissions from the headers that travel in the clear (RFC 3550 header, SRTP leaves it)."""
import random
import re
import socket
import threading


def video_payload_types(sdp: str) -> set[int]:
    """Payload types of the video codecs (not RTX) in an SDP: what a viewer NACKs."""
    video, types = False, set()
    rtpmap = re.compile(r"a=rtpmap:(\d+) ([A-Za-z0-9-]+)/")
    for line in sdp.splitlines():
        if line.startswith("m="):
            video = line.startswith("m=video")
        elif video and (m := rtpmap.match(line)) and m.group(2).lower() not in ("rtx", "red", "ulpfec"):
            types.add(int(m.group(1)))
    return types


class LossyRelay:
    """Drops a seeded share of the video packets (the ones a viewer NACKs) on the way to it."""

    def __init__(self, sfu_port: int, loss: float, seed: int = 7):
        self.sfu = ("127.0.0.1", sfu_port)
        self.loss = loss
        self.rng = random.Random(seed)
        self.viewer_side = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.viewer_side.bind(("127.0.0.1", 0))
        self.sfu_side = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sfu_side.bind(("127.0.0.1", 0))
        for s in (self.viewer_side, self.sfu_side):
            s.settimeout(0.2)
        self.viewer = None
        self.lossy_types: set[int] = set()
        self.dropped = 0
        self.forwarded_rtp = 0
        self.by_payload_type: dict[int, int] = {}
        self.seen: set[tuple[int, int]] = set()
        self.duplicates = 0
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._up, daemon=True),
                         threading.Thread(target=self._down, daemon=True)]

    @property
    def port(self) -> int:
        return self.viewer_side.getsockname()[1]

    def rewrite_answer(self, sdp: str) -> str:
        """Points the viewer's ICE at the relay instead of the SFU's candidate, and learns which
        payload types are video."""
        self.lossy_types = video_payload_types(sdp)
        return sdp.replace(f"127.0.0.1 {self.sfu[1]} typ host", f"127.0.0.1 {self.port} typ host")

    def start(self):
        for t in self._threads:
            t.start()

    def stop(self):
        self._stop.set()
        for t in self._threads:
            t.join(timeout=2)
        self.viewer_side.close()
        self.sfu_side.close()

    def _up(self):
        while not self._stop.is_set():
            try:
                data, addr = self.viewer_side.recvfrom(2048)
            except socket.timeout:
                continue
            except OSError:
                return
            self.viewer = addr
            self.sfu_side.sendto(data, self.sfu)

    def _down(self):
        while not self._stop.is_set():
            try:
                data, _ = self.sfu_side.recvfrom(2048)
            except socket.timeout:
                continue
            except OSError:
                return
            if self.viewer is None:
                continue
            is_rtp = len(data) >= 12 and 128 <= data[0] <= 191 and not (192 <= data[1] <= 223)
            if is_rtp:
                pt = data[1] & 0x7F
                if pt in self.lossy_types and self.rng.random() < self.loss:
                    self.dropped += 1
                    continue
                seq = int.from_bytes(data[2:4], "big")
                ssrc = int.from_bytes(data[8:12], "big")
                self.forwarded_rtp += 1
                self.by_payload_type[pt] = self.by_payload_type.get(pt, 0) + 1
                if (ssrc, seq) in self.seen:
                    self.duplicates += 1
                self.seen.add((ssrc, seq))
            self.viewer_side.sendto(data, self.viewer)
