"""A minimal WebM writer for tests: EBML header, Segment, Info, Tracks (VP8 + Opus) and Clusters
of SimpleBlocks. Frame payloads are bytes the caller chooses (random, for sha256 checks): the
structure is what the server's probe reads; nothing here decodes."""
import struct


def vint_size(n: int, length: int | None = None) -> bytes:
    if length is None:
        length = 1
        while n >= (1 << (7 * length)) - 1:
            length += 1
    out = bytearray(n.to_bytes(length, "big"))
    out[0] |= 0x80 >> (length - 1)
    return bytes(out)


UNKNOWN = b"\x01\xff\xff\xff\xff\xff\xff\xff"


def el(element_id: int, payload: bytes) -> bytes:
    raw_id = element_id.to_bytes((element_id.bit_length() + 7) // 8, "big")
    return raw_id + vint_size(len(payload)) + payload


def uint(element_id: int, value: int) -> bytes:
    return el(element_id, value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big"))


def text(element_id: int, value: str) -> bytes:
    return el(element_id, value.encode())


def flt(element_id: int, value: float) -> bytes:
    return el(element_id, struct.pack(">d", value))


def header() -> bytes:
    return el(0x1A45DFA3, uint(0x4286, 1) + uint(0x42F7, 1) + uint(0x42F2, 4) + uint(0x42F3, 8)
              + text(0x4282, "webm") + uint(0x4287, 4) + uint(0x4285, 2))


def tracks(width=640, height=480) -> bytes:
    video = el(0xAE, uint(0xD7, 1) + uint(0x73C5, 1) + uint(0x83, 1) + text(0x86, "V_VP8")
               + el(0xE0, uint(0xB0, width) + uint(0xBA, height)))
    audio = el(0xAE, uint(0xD7, 2) + uint(0x73C5, 2) + uint(0x83, 2) + text(0x86, "A_OPUS")
               + el(0xE1, flt(0xB5, 48000.0) + uint(0x9F, 2)))
    return el(0x1654AE6B, video + audio)


def info(duration_ms: float | None) -> bytes:
    body = uint(0x2AD7B1, 1_000_000) + text(0x4D80, "chobi-test") + text(0x5741, "chobi-test")
    if duration_ms is not None:
        body += flt(0x4489, duration_ms)
    return el(0x1549A966, body)


def simple_block(track: int, relative_ms: int, keyframe: bool, payload: bytes) -> bytes:
    return el(0xA3, bytes([0x80 | track]) + struct.pack(">h", relative_ms) + bytes([0x80 if keyframe else 0]) + payload)


def make_webm(duration_s: int, frame_bytes: int, rng, fps: int = 10, with_duration: bool = True) -> bytes:
    """One cluster per second, `fps` video frames of `frame_bytes` random bytes and 50 Opus frames."""
    clusters = []
    for second in range(duration_s):
        blocks = b"".join(simple_block(1, i * (1000 // fps), i == 0, rng.randbytes(frame_bytes)) for i in range(fps))
        blocks += b"".join(simple_block(2, i * 20, True, rng.randbytes(80)) for i in range(50))
        clusters.append(el(0x1F43B675, uint(0xE7, second * 1000) + blocks))
    segment = info(duration_s * 1000.0 if with_duration else None) + tracks() + b"".join(clusters)
    return header() + el(0x18538067, segment)
