"""chobi-load against the release server, and checked from outside: a small scenario (one room,
one synthetic host, 20 synthetic viewers, 15 s) must report what the tool promises (every viewer
decodes >= 95 % of the frames, glass-to-glass p50 under 50 ms on loopback, every report field),
and an aiortc viewer in the same room, reading the frame stamp out of the pictures its own
decoder produced, must measure the same latency within 20 ms.

One correction, from aiortc's source: its jitter buffer hands a frame on only when a packet of
the next frame arrives (`JitterBuffer._remove_frame` compares timestamps and ignores the RTP
marker), so each of its pictures comes one frame interval after its last packet. The outside
figure has that interval (1000 / fps ms) taken off; everything else is aiortc's own."""
import asyncio
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

from conftest import ROOT
from peers import http_delete, http_offer

FPS = 30
LOAD_BIN = Path(os.environ.get("CHOBI_LOAD_BIN", ROOT / ".build" / "release" / "chobi-load"))


def crc8(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def read_stamp(luma, width: int, height: int):
    """The tool's frame stamp (18 x 4 blocks: counter, capture ms, CRC-8), read the way its own
    viewers do, from a decoded Y plane; None when it does not check out."""
    block = max(8, (width // 32) & ~1)
    quarter = max(1, block // 4)
    if 20 * block > width or 6 * block > height:
        return None
    payload = bytearray(9)
    for index in range(72):
        x0 = (1 + index % 18) * block + quarter
        y0 = (1 + index // 18) * block + quarter
        area = luma[y0:y0 + block // 2, x0:x0 + block // 2]
        if int(area.sum()) // max(1, area.size) > 128:
            payload[index // 8] |= 0x80 >> (index % 8)
    if crc8(bytes(payload[:8])) != payload[8]:
        return None
    return int.from_bytes(payload[0:4], "big"), int.from_bytes(payload[4:8], "big")


def now_ms() -> int:
    """The tool's clock: CLOCK_MONOTONIC in ms, modulo 2^32 (time.monotonic is CLOCK_MONOTONIC)."""
    return int(time.monotonic() * 1000) & 0xFFFFFFFF


async def outside_viewer(base: str, room: str, token: str, seconds: float) -> list[int]:
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    latencies: list[int] = []
    tasks = []

    async def consume(track):
        while True:
            frame = await track.recv()
            at = now_ms()
            plane = frame.to_ndarray(format="yuv420p")[:frame.height]
            stamp = read_stamp(plane, frame.width, frame.height)
            if stamp:
                latencies.append((at - stamp[1]) & 0xFFFFFFFF)

    @pc.on("track")
    def on_track(track):
        if track.kind == "video":
            tasks.append(asyncio.ensure_future(consume(track)))

    pc.addTransceiver("video", direction="recvonly")
    await pc.setLocalDescription(await pc.createOffer())
    status, body, location = await http_offer(f"{base}/whep/{room}", token, pc.localDescription.sdp)
    assert status == 201, body
    await pc.setRemoteDescription(RTCSessionDescription(body, "answer"))
    try:
        await asyncio.sleep(seconds)
    finally:
        for t in tasks:
            t.cancel()
        await http_delete(base + location, token)
        await pc.close()
    return latencies


def test_chobi_load_reports_what_an_outside_decoder_sees(server, run):
    if not LOAD_BIN.exists():
        pytest.fail(f"{LOAD_BIN} is missing: build it first (tools/test does)")
    room = "load-check"
    report_path = Path(tempfile.mkdtemp(prefix="chobi-load-")) / "report.json"
    tool = subprocess.Popen(
        [str(LOAD_BIN), "--server", server.base, "--data-dir", server.data, "--room", room,
         "--viewers", "20", "--duration", "15", "--width", "320", "--height", "240", "--bitrate", "300000",
         "--fps", str(FPS),
         "--json", str(report_path), "--max-p50-latency-ms", "50", "--min-decoded-percent", "95"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=server.env)
    try:
        time.sleep(4)  # the host is live and the tool's viewers have joined
        outside = run(outside_viewer(server.base, room, server.token(room, "aiortc-check", "viewer"), 8), timeout=40)
        output, _ = tool.communicate(timeout=90)
    finally:
        if tool.poll() is None:
            tool.kill()
    print(output[-2500:])
    assert tool.returncode == 0, output[-3000:]
    report = json.loads(report_path.read_text())
    for field in ("scenario", "publisher", "joinMilliseconds", "latencyMilliseconds", "minDecodedPercent",
                  "meanFPS", "freezes", "viewers"):
        assert field in report, field
    assert len(report["viewers"]) == 20
    for viewer in report["viewers"]:
        for field in ("joinMilliseconds", "framesDecoded", "framesMissing", "decodedPercent", "fps", "freezes",
                      "latencyMilliseconds", "decodeFailures", "packets"):
            assert field in viewer, (field, viewer)
        assert viewer["decodedPercent"] >= 95, viewer
    tool_p50 = report["latencyMilliseconds"]["p50"]
    assert tool_p50 < 50, report["latencyMilliseconds"]
    assert len(outside) >= 100, f"aiortc read {len(outside)} stamps"
    # aiortc's pictures wait for the next frame's first packet (see the docstring).
    outside_p50 = sorted(outside)[len(outside) // 2] - 1000 / FPS
    print(f"glass to glass p50: chobi-load {tool_p50:.1f} ms, aiortc {outside_p50:.1f} ms "
          f"({len(outside)} stamped pictures); join p50 {report['joinMilliseconds']['p50']:.0f} ms")
    assert abs(tool_p50 - outside_p50) <= 20, (tool_p50, outside_p50)
