"""User-space UDP relays between one viewer and the SFU (the kernel here has no netem): one drops a
seeded share of the media going to the viewer and records what passed, so a test can see
retransmissions from the headers that travel in the clear (RFC 3550 header, SRTP leaves it); one is
a rate-limited bottleneck with a bounded queue."""
import random
import re
import socket
import threading
import time


def video_ssrcs(sdp: str) -> set[int]:
    """The SSRCs announced (`a=ssrc`) in the video sections of an SDP: what the sender sends."""
    video, ssrcs = False, set()
    for line in sdp.splitlines():
        if line.startswith("m="):
            video = line.startswith("m=video")
        elif video and line.startswith("a=ssrc:"):
            ssrcs.add(int(line[len("a=ssrc:"):].split()[0]))
    return ssrcs


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


class Relay:
    """Two sockets on loopback: the viewer talks to `port`, the relay talks to the SFU. The viewer
    → SFU direction passes untouched; subclasses decide what the SFU → viewer direction does
    (`_down`). Every loop wakes up at least every 50 ms and ends when `stop` is called."""

    def __init__(self, sfu_port: int):
        self.sfu = ("127.0.0.1", sfu_port)
        self.viewer_side = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.viewer_side.bind(("127.0.0.1", 0))
        self.sfu_side = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sfu_side.bind(("127.0.0.1", 0))
        for s in (self.viewer_side, self.sfu_side):
            s.settimeout(0.05)
        self.viewer = None
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._up, daemon=True),
                         threading.Thread(target=self._down, daemon=True)]

    @property
    def port(self) -> int:
        return self.viewer_side.getsockname()[1]

    def rewrite(self, sdp: str) -> str:
        """Points the viewer's ICE at the relay instead of the SFU's candidate."""
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
                data, addr = self.viewer_side.recvfrom(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            self.viewer = addr
            self.sfu_side.sendto(data, self.sfu)

    def _from_sfu(self):
        """The next datagram from the SFU; None on a timeout, raises OSError once closed."""
        try:
            data, _ = self.sfu_side.recvfrom(4096)
            return data
        except socket.timeout:
            return None

    def _down(self):
        raise NotImplementedError


class LossyRelay(Relay):
    """Drops a seeded share of the video packets (the ones a viewer NACKs) on the way to it."""

    def __init__(self, sfu_port: int, loss: float, seed: int = 7):
        super().__init__(sfu_port)
        self.loss = loss
        self.rng = random.Random(seed)
        self.lossy_types: set[int] = set()
        self.dropped = 0
        self.forwarded_rtp = 0
        self.by_payload_type: dict[int, int] = {}
        self.seen: set[tuple[int, int]] = set()
        self.duplicates = 0

    def rewrite_answer(self, sdp: str) -> str:
        """Points the viewer's ICE at the relay, and learns which payload types are video."""
        self.lossy_types = video_payload_types(sdp)
        return self.rewrite(sdp)

    def _down(self):
        while not self._stop.is_set():
            try:
                data = self._from_sfu()
            except OSError:
                return
            if data is None or self.viewer is None:
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


class ShapingRelay(Relay):
    """A bottleneck: the SFU → viewer direction goes through a rate limit with a bounded queue (a
    packet that would wait longer than `max_queue` seconds is dropped, as a router's tail drop
    does). `rate` (bit/s) can be changed or lifted (None) while it runs."""

    def __init__(self, sfu_port: int, rate: float | None, max_queue: float = 0.25):
        super().__init__(sfu_port)
        self.rate = rate
        self.max_queue = max_queue
        self.dropped = 0
        self.passed = 0
        # RTP headers travel in the clear under SRTP: what the SFU sent is countable on the wire
        # (counted as it arrives from the SFU, before the bottleneck).
        self.video_ssrcs: set[int] = set()
        self.video_from_sfu = 0
        self._queue: list[tuple[float, bytes]] = []
        self._free_at = 0.0
        self._wake = threading.Condition()
        self._threads.append(threading.Thread(target=self._send, daemon=True))

    def rewrite(self, sdp: str) -> str:
        """Points the viewer at the relay and learns the SFU's video SSRCs (to count them)."""
        self.video_ssrcs |= video_ssrcs(sdp)
        return super().rewrite(sdp)

    def set_rate(self, rate: float | None):
        with self._wake:
            self.rate = rate

    def stop(self):
        self._stop.set()
        with self._wake:
            self._wake.notify_all()
        super().stop()

    def _down(self):
        while not self._stop.is_set():
            try:
                data = self._from_sfu()
            except OSError:
                return
            if data is None:
                continue
            if len(data) >= 12 and 128 <= data[0] <= 191 and not (192 <= data[1] <= 223) \
                    and int.from_bytes(data[8:12], "big") in self.video_ssrcs:
                self.video_from_sfu += 1
            now = time.monotonic()
            with self._wake:
                if self.rate is None:
                    depart = now
                else:
                    start = max(now, self._free_at)
                    if start - now > self.max_queue:
                        self.dropped += 1
                        continue
                    depart = start + len(data) * 8 / self.rate
                    self._free_at = depart
                self._queue.append((depart, data))
                self._wake.notify()

    def _send(self):
        while not self._stop.is_set():
            with self._wake:
                while not self._queue and not self._stop.is_set():
                    self._wake.wait(0.05)
                if self._stop.is_set():
                    return
                depart, data = self._queue[0]
                wait = depart - time.monotonic()
                if wait > 0:
                    self._wake.wait(min(wait, 0.005))
                    continue
                self._queue.pop(0)
            if self.viewer is not None:
                try:
                    self.viewer_side.sendto(data, self.viewer)
                    self.passed += 1
                except OSError:
                    return
