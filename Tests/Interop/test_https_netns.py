"""HTTPS and WSS across a network: the server runs in one network namespace with a self-signed
development certificate it makes itself (`--tls-self-signed`), two headless Chromiums run in
another, joined to it by a veth pair. The host's page goes live over https://10.77.0.1, the
viewer's page watches, and the viewer's own decoder counts the frames. Chromium trusts the
certificate by the SHA-256 of its public key (`--ignore-certificate-errors-spki-list`), the way a
developer would trust it for one browser profile.

The test process is in tools/test's loopback-only namespace; it makes both namespaces and the veth
(10.77.0.1 server, 10.77.0.2 client) and nothing else is reachable from either: no packet goes
anywhere but between namespaces this test made. Chromium and selenium run in the client
namespace through `ip netns exec`, as this same file run as a script (`drive`), and report what
they saw as one JSON line; the assertions are here."""
import base64
import hashlib
import ipaddress
import json
import os
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
SERVER_IP = "10.77.0.1"
CLIENT_IP = "10.77.0.2"
HTTP_PORT = 8443  # the namespaces are new: every port is free in them
MEDIA_PORT = 41000


def sh(*args: str):
    subprocess.run(args, check=True, capture_output=True, timeout=30)


class Namespaces:
    """A server and a client namespace joined by one veth pair, each with loopback up; deleting
    a namespace deletes its end of the veth, so teardown is two deletes."""

    def __init__(self):
        tag = secrets.token_hex(3)
        self.server = f"chobi-srv-{tag}"
        self.client = f"chobi-cli-{tag}"
        self.made: list[str] = []
        try:
            for ns in (self.server, self.client):
                sh("ip", "netns", "add", ns)
                self.made.append(ns)
            server_end, client_end = f"vs{tag}", f"vc{tag}"
            sh("ip", "-n", self.server, "link", "add", server_end, "type", "veth",
               "peer", "name", client_end, "netns", self.client)
            sh("ip", "-n", self.server, "addr", "add", f"{SERVER_IP}/24", "dev", server_end)
            sh("ip", "-n", self.client, "addr", "add", f"{CLIENT_IP}/24", "dev", client_end)
            for ns, link in ((self.server, server_end), (self.client, client_end)):
                sh("ip", "-n", ns, "link", "set", "lo", "up")
                sh("ip", "-n", ns, "link", "set", link, "up")
        except BaseException:
            self.delete()
            raise

    def delete(self):
        for ns in self.made:
            subprocess.run(["ip", "netns", "del", ns], capture_output=True, timeout=30)
        self.made = []


def spki_sha256(pem: bytes) -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    cert = x509.load_pem_x509_certificate(pem)
    spki = cert.public_key().public_bytes(serialization.Encoding.DER,
                                          serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


def subject_alt_names(pem: bytes) -> set[str]:
    from cryptography import x509
    cert = x509.load_pem_x509_certificate(pem)
    sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {str(n) for n in sans.get_values_for_type(x509.DNSName)} | \
           {str(n) for n in sans.get_values_for_type(x509.IPAddress)}


class ClientUDPBlock:
    """nftables in the client namespace: every UDP packet in or out is dropped, as on a network
    that allows only TCP. The table goes with the namespace."""

    def __init__(self, namespace: str):
        for command in ("add table inet chobi_block",
                        "add chain inet chobi_block out { type filter hook output priority 0 ; }",
                        "add chain inet chobi_block in { type filter hook input priority 0 ; }",
                        "add rule inet chobi_block out meta l4proto udp drop",
                        "add rule inet chobi_block in meta l4proto udp drop"):
            sh("ip", "netns", "exec", namespace, "nft", *command.split())


def metric(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return 0.0


import pytest  # noqa: E402  (the driver half of this file runs without pytest's fixtures)


@pytest.mark.parametrize("udp", ["open", "blocked"])
def test_chromium_goes_live_and_watches_over_https_and_wss_across_namespaces(udp):
    """`open`: the pages connect over UDP. `blocked`: the client namespace drops all UDP; both
    pages connect over ICE-TCP, the viewer decodes at least 25 fps, and the server's /metrics
    count the media on TCP."""
    from conftest import SERVER_BIN
    if os.geteuid() != 0 or shutil.which("ip") is None:
        pytest.skip("needs root and iproute2 to make network namespaces (tools/test runs as root)")
    if not SERVER_BIN.exists():
        pytest.fail(f"{SERVER_BIN} is missing: build it first (tools/test does)")

    data = tempfile.mkdtemp(prefix="chobi-https-")
    certs = Path(data) / "certs"
    env = dict(os.environ, CHOBI_JWT_SECRET=secrets.token_hex(32))
    namespaces = Namespaces()
    if udp == "blocked":
        ClientUDPBlock(namespaces.client)
    server = None
    log_path = Path(data) / "server.log"

    def server_log() -> str:
        return log_path.read_text(errors="replace")[-4000:] if log_path.exists() else ""

    def start_server(log_mode: str) -> subprocess.Popen:
        return subprocess.Popen(
            ["ip", "netns", "exec", namespaces.server, str(SERVER_BIN), "serve",
             "--http-host", SERVER_IP, "--http-port", str(HTTP_PORT),
             "--media-host", SERVER_IP, "--media-port", str(MEDIA_PORT), "--media-loops", "1",
             "--announce-ip", SERVER_IP, "--tls-self-signed", "--certs-dir", str(certs),
             "--data-dir", data],
            stdout=open(log_path, log_mode), stderr=subprocess.STDOUT, env=env, cwd=data)

    try:
        server = start_server("wb")

        certificate = certs / "chobi-dev-cert.pem"
        deadline = time.monotonic() + 30
        while not certificate.exists() and time.monotonic() < deadline:
            assert server.poll() is None, f"server exited with {server.returncode}:\n{server_log()}"
            time.sleep(0.1)
        assert certificate.exists(), f"no development certificate in {certs}:\n{server_log()}"
        pem = certificate.read_bytes()
        names = subject_alt_names(pem)
        assert {"localhost", "127.0.0.1", "::1", SERVER_IP} <= names, names
        key_mode = (certs / "chobi-dev-key.pem").stat().st_mode & 0o777
        assert key_mode == 0o600, oct(key_mode)

        driven = subprocess.run(
            ["ip", "netns", "exec", namespaces.client, sys.executable, str(Path(__file__)), "drive",
             f"https://{SERVER_IP}:{HTTP_PORT}", spki_sha256(pem), str(certificate), udp],
            capture_output=True, text=True, timeout=180, cwd=str(HERE),
            env=dict(os.environ, PYTHONPATH=str(HERE)))
        print(driven.stderr[-3000:])
        lines = [l for l in driven.stdout.splitlines() if l.startswith("{")]
        assert driven.returncode == 0 and lines, \
            f"driver failed ({driven.returncode}):\n{driven.stdout[-3000:]}\n{driven.stderr[-3000:]}\n{server_log()}"
        seen = json.loads(lines[-1])
        print(f"over HTTPS across namespaces: {seen}")

        # The server answered only over TLS, with the certificate it wrote, valid for its address.
        assert seen["verified_ready"] == 200, seen
        assert seen["plain_http"] == "refused", seen
        # Both pages are secure contexts and their /rtc sockets are WSS to the server's address.
        for page in ("host", "viewer"):
            assert seen[page]["href"].startswith(f"https://{SERVER_IP}:{HTTP_PORT}/"), seen
            assert seen[page]["secure"] is True, seen
            assert seen[page]["ws"].startswith(f"wss://{SERVER_IP}:{HTTP_PORT}/rtc"), seen
        assert seen["host"]["encoded"] > 0, seen
        # The viewer decodes the host's camera: frames keep coming (fake camera, 30 fps).
        assert seen["viewer"]["decoded_growth"] >= 30, seen
        assert server.poll() is None, f"server died:\n{server_log()}"
        # Chromium's own stats say which transport each page's selected pair runs on.
        expected = "udp" if udp == "open" else "tcp"
        for page in ("host", "viewer"):
            pair = seen[page]["pair"]
            assert pair and pair["local"]["protocol"] == expected and pair["remote"]["protocol"] == expected, seen
            assert pair["remote"]["address"] == SERVER_IP and pair["remote"]["port"] == MEDIA_PORT, seen
        if udp == "blocked":
            assert seen["viewer"]["fps"] >= 25, seen
            frames_in = metric(seen["metrics"], 'chobi_media_tcp_frames_total{direction="received"}')
            frames_out = metric(seen["metrics"], 'chobi_media_tcp_frames_total{direction="sent"}')
            accepted = metric(seen["metrics"], 'chobi_media_tcp_connections_total{outcome="accepted"}')
            print(f"over ICE-TCP: viewer {seen['viewer']['fps']:.1f} fps; server {accepted:.0f} TCP connections, "
                  f"{frames_in:.0f} frames in, {frames_out:.0f} out")
            assert accepted >= 2 and frames_in > 500 and frames_out > 500, seen["metrics"][-2000:]
        if udp == "blocked":
            return  # the restart below is the same with or without UDP

        # A second start reuses the certificate: the trust a browser was given stays valid.
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=15)
        server = start_server("ab")
        deadline = time.monotonic() + 30
        while "reusing the development TLS certificate" not in server_log() and time.monotonic() < deadline:
            assert server.poll() is None, f"server exited on restart:\n{server_log()}"
            time.sleep(0.1)
        assert "reusing the development TLS certificate" in server_log(), server_log()
        assert certificate.read_bytes() == pem
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        namespaces.delete()
        shutil.rmtree(data, ignore_errors=True)


# The client side, run by the test above inside the client namespace.

def poll(check, timeout: float, what: str, every: float = 0.25):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(every)
    raise AssertionError(f"{what}: not within {timeout} s (last {last!r})")


def drive(base: str, spki: str, cafile: str, udp: str) -> dict:
    from browser import Browser
    from test_web_app import sign_up

    seen: dict = {}
    # The server's certificate verifies against itself for its IP address (hostname checking on):
    # what any client told to trust it would accept.
    verified = ssl.create_default_context(cafile=cafile)
    def ready():
        try:
            with urllib.request.urlopen(f"{base}/ready", timeout=2, context=verified) as r:
                return r.status
        except OSError:
            return None
    seen["verified_ready"] = poll(ready, 30, "the server ready over verified HTTPS")
    try:
        urllib.request.urlopen(base.replace("https://", "http://") + "/ready", timeout=3).read()
        seen["plain_http"] = "answered"
    except OSError:
        seen["plain_http"] = "refused"

    trust = (f"--ignore-certificate-errors-spki-list={spki}",)
    # Chromium's fake camera runs at 20 fps unless told otherwise.
    host = Browser(trust + ("--use-fake-device-for-media-stream=fps=30",), confined=True)
    viewer = Browser(trust, confined=True)
    tag = secrets.token_hex(3)
    try:
        sign_up(host, base, f"tlshost{tag}", f"TLS host {tag}")
        poll(lambda: host.visible("#go-live-app"), 20, f"the host's lobby ({host.state()})")
        host.fill("session-title", f"Over TLS {tag}")
        host.click("#go-live-app")
        poll(lambda: host.outbound_video_frames_encoded() > 0, 20, f"the host live ({host.state()})")
        room = host.script("return window.chobi.live.session.id;")

        sign_up(viewer, base, f"tlsfan{tag}", f"TLS fan {tag}")
        poll(lambda: viewer.visible(f"#sessions li[data-session-id='{room}'] button"), 20,
             f"the session listed ({viewer.state()})")
        viewer.click(f"#sessions li[data-session-id='{room}'] button")
        poll(lambda: viewer.inbound_video_frames_decoded() > 0, 20, f"the viewer decoding ({viewer.state()})")
        time.sleep(2)  # past the first keyframe's ramp
        before = viewer.inbound_video_frames_decoded()
        started = time.monotonic()
        time.sleep(4)
        growth = viewer.inbound_video_frames_decoded() - before
        fps = growth / (time.monotonic() - started)

        for name, page in (("host", host), ("viewer", viewer)):
            seen[name] = page.script(
                "return {href: location.href, secure: window.isSecureContext,"
                " ws: window.chobi.live.ws ? window.chobi.live.ws.url : ''};")
        seen["host"]["encoded"] = host.outbound_video_frames_encoded()
        seen["viewer"]["decoded_growth"] = growth
        seen["viewer"]["fps"] = fps
        seen["host"]["pair"] = host.selected_transport()
        seen["viewer"]["pair"] = viewer.selected_transport()
        with urllib.request.urlopen(f"{base}/metrics", timeout=5, context=verified) as r:
            seen["metrics"] = r.read().decode()
    finally:
        host.close()
        viewer.close()
    return seen


if __name__ == "__main__" and len(sys.argv) == 6 and sys.argv[1] == "drive":
    # Refuse to drive a browser anywhere but the namespace the test made: only lo and the veth.
    links = sorted(os.listdir("/sys/class/net"))
    assert len(links) == 2 and "lo" in links and any(l.startswith("vc") for l in links), links
    assert ipaddress.ip_address(sys.argv[2].split("//")[1].split(":")[0]) == ipaddress.ip_address(SERVER_IP)
    print(json.dumps(drive(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])), flush=True)
