"""chobi-load's media options against the release server, checked from the outside through the
JSON report: Opus audio decodes at every viewer with no loss on a clean path; with 5 % loss on
every viewer's receive path the viewers report that loss and still decode nearly every frame
(NACK repairs it); with three simulcast layers a viewer that tells the SFU a generous estimate
(REMB) decodes the top layer. Each run is a few viewers for 8 s of media: CI time matters."""
import json
import subprocess
import tempfile
from pathlib import Path

import pytest

from test_load_tool import LOAD_BIN

SECONDS = "8"


def run_tool(server, room: str, *extra: str) -> dict:
    if not LOAD_BIN.exists():
        pytest.fail(f"{LOAD_BIN} is missing: build it first (tools/test does)")
    report_path = Path(tempfile.mkdtemp(prefix="chobi-load-media-")) / "report.json"
    args = [str(LOAD_BIN), "--server", server.base, "--data-dir", server.data, "--minted-tokens", "--room", room,
            "--duration", SECONDS, "--fps", "30", "--json", str(report_path), *extra]
    done = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=server.env, timeout=90)
    print(done.stdout[-2500:])
    assert done.returncode == 0, done.stdout[-3000:]
    return json.loads(report_path.read_text())


def test_audio_decodes_at_every_viewer_without_loss(server):
    report = run_tool(server, "media-audio", "--viewers", "4", "--width", "320", "--height", "240",
                      "--bitrate", "300000")
    assert report["scenario"]["media"]["audio"] is True
    # 8 s of 20 ms packets: about 400 from the host.
    [publisher] = report["publishers"]
    sent = publisher["audioPacketsSent"]
    assert 350 <= sent <= 420, sent
    for viewer in report["viewers"]:
        audio = viewer["media"]["audio"]
        assert audio["packets"] >= 0.9 * sent, (audio, sent)
        assert audio["lossPercent"] < 0.5, audio
        assert audio["opusDecodeErrors"] == 0, audio
        assert audio["framesDecoded"] >= 0.9 * sent, audio
        # What decoded is the host's 440 Hz tone, not just any sound.
        assert audio["toneFrames"] >= 0.9 * audio["framesDecoded"], audio
        assert viewer["decodedPercent"] >= 95, viewer
    assert report["audioSummary"]["opusDecodeErrors"] == 0


def test_five_percent_loss_is_reported_and_repaired(server):
    report = run_tool(server, "media-loss", "--viewers", "4", "--width", "320", "--height", "240",
                      "--bitrate", "300000", "--loss", "5", "--seed", "11")
    for viewer in report["viewers"]:
        network, repair, audio = viewer["media"]["network"], viewer["media"]["repair"], viewer["media"]["audio"]
        dropped = network["lostRandomly"] / network["packets"]
        assert 0.03 <= dropped <= 0.07, network
        # Audio is not NACKed (Opus is not negotiated with nack): its loss shows, concealed.
        assert 2 <= audio["lossPercent"] <= 9, audio
        assert audio["framesConcealed"] > 0 and audio["opusDecodeErrors"] == 0, audio
        # Video losses are NACKed and most come back in time to be decoded.
        assert repair["packetsNacked"] > 0 and repair["packetsRecovered"] >= 0.8 * repair["packetsNacked"], repair
        assert viewer["decodedPercent"] >= 90, viewer
        assert viewer["framesDecoded"] >= 0.85 * report["publishers"][0]["framesSent"], viewer


def test_simulcast_three_layers_a_viewer_decodes_the_top_one(server):
    report = run_tool(server, "media-simulcast", "--viewers", "2", "--width", "640", "--height", "360",
                      "--bitrate", "800000", "--simulcast", "3")
    [publisher] = report["publishers"]
    layers = publisher["layers"]
    assert [(layer["rid"], layer["width"]) for layer in layers] == [("q", 160), ("h", 320), ("f", 640)], layers
    assert all(layer["framesSent"] > 200 for layer in layers), layers
    for viewer in report["viewers"]:
        media = viewer["media"]
        assert media["lastWidth"] == 640, media
        assert media["framesByWidth"].get("640", 0) >= 60, media


def test_simulcast_is_refused_when_the_smallest_layer_cannot_carry_the_stamp():
    if not LOAD_BIN.exists():
        pytest.fail(f"{LOAD_BIN} is missing: build it first (tools/test does)")
    # 320x240 / 4 = 80x60: too small for the 18 x 4 grid of 8-pixel blocks.
    done = subprocess.run([str(LOAD_BIN), "--width", "320", "--height", "240", "--simulcast", "3"],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode != 0
    assert "too small for the frame stamp" in done.stderr, done.stderr
