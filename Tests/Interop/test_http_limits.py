"""The control API's limits through the real server: a client that writes its whole oversized
body before reading gets the 413 (and a closed connection) at once instead of hanging, a body that
never ends is cut off within the server's bounds, and X-Forwarded-For picks the rate-limit bucket
only when a trusted proxy sends it."""
import http.client
import json
import socket
import time
import urllib.error
import urllib.request

import pytest

from conftest import Server


def test_a_write_first_client_gets_413_at_once(server):
    # urllib writes the whole body before it reads, and says Connection: close.
    body = json.dumps({"username": "big", "password": "p" * (5 * 1024 * 1024)}).encode()
    request = urllib.request.Request(f"{server.base}/api/trpc/users.register", data=body,
                                     headers={"Content-Type": "application/json"})
    started = time.monotonic()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    elapsed = time.monotonic() - started
    assert refused.value.code == 413
    assert elapsed < 1.0, f"413 after {elapsed:.2f} s"
    assert refused.value.headers.get("Connection", "").lower() == "close"
    envelope = json.loads(refused.value.read())
    assert envelope["error"]["data"]["code"] == "PAYLOAD_TOO_LARGE", envelope
    # The server is fine afterwards.
    with urllib.request.urlopen(f"{server.base}/health", timeout=5) as r:
        assert r.status == 200


def test_a_body_that_never_ends_is_cut_off(server):
    port = int(server.base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"POST /api/trpc/users.register HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"%x\r\n%s\r\n" % (65536, b"y" * 65536)
        started = time.monotonic()
        closed = False
        sent = 0
        while time.monotonic() - started < 15 and sent < 200 * 1024 * 1024:
            try:
                s.sendall(chunk)
                sent += len(chunk)
            except OSError:
                closed = True
                break
        assert closed, f"still writing after {sent} bytes"
        # 16 MiB or 2 s of discarding at most, then the close.
        assert time.monotonic() - started < 5
        assert sent < 40 * 1024 * 1024


def get_from(base: str, source: str, forwarded: str) -> int:
    host, port = base.removeprefix("http://").rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=5, source_address=(source, 0))
    try:
        conn.request("GET", "/api/trpc/streaming.getActiveSessions", headers={"X-Forwarded-For": forwarded})
        return conn.getresponse().status
    finally:
        conn.close()


def test_forwarded_for_counts_only_from_a_trusted_proxy():
    server = Server(extra_args=("--trusted-proxies", "127.0.0.2", "--rate-per-address", "0.01",
                                "--burst-per-address", "3"))
    server.start()
    try:
        # Through the trusted proxy: each forwarded client has its own bucket of 3.
        assert [get_from(server.base, "127.0.0.2", "198.51.100.1") for _ in range(4)] == [200, 200, 200, 429]
        assert [get_from(server.base, "127.0.0.2", "198.51.100.2") for _ in range(3)] == [200, 200, 200]
        # From an untrusted peer the header changes nothing: one bucket for the peer.
        assert [get_from(server.base, "127.0.0.3", f"203.0.113.{n}") for n in range(4)] == [200, 200, 200, 429]
    finally:
        server.stop()
