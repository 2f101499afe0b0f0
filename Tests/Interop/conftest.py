"""Starts the real chobi-server binary on loopback for each test module and mints room tokens with
its own `token` subcommand. tools/test runs this suite inside a network namespace that has only a
loopback interface, so no packet can leave the machine."""
import asyncio
import os
import secrets
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVER_BIN = Path(os.environ.get("CHOBI_SERVER_BIN", ROOT / ".build" / "release" / "chobi-server"))


def free_tcp_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_udp_base(count: int) -> int:
    """A base port with `count` consecutive free UDP ports (the server binds one per loop)."""
    for _ in range(200):
        base = secrets.randbelow(20000) + 30000
        socks = []
        try:
            for i in range(count):
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.bind(("127.0.0.1", base + i))
                socks.append(s)
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no free UDP port range")


class Server:
    def __init__(self, loops: int = 1, extra_args: tuple[str, ...] = ()):
        self.http_port = free_tcp_port()
        self.media_port = free_udp_base(loops)
        self.loops = loops
        self.extra_args = list(extra_args)
        self.data = tempfile.mkdtemp(prefix="chobi-interop-")
        self.env = dict(os.environ, CHOBI_JWT_SECRET=secrets.token_hex(32))
        self.log_path = Path(self.data) / "server.log"
        self.proc = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def start(self):
        log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [str(SERVER_BIN), "serve", "--http-port", str(self.http_port),
             "--media-port", str(self.media_port), "--media-loops", str(self.loops),
             "--data-dir", self.data, *self.extra_args],
            stdout=log, stderr=subprocess.STDOUT, env=self.env, cwd=self.data)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.base}/ready", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"server not ready in 30 s:\n{self.log()}")

    def token(self, room: str, user: str, role: str, ttl: int | None = None, name: str | None = None) -> str:
        args = [str(SERVER_BIN), "token", "--room", room, "--user", user, "--role", role,
                "--data-dir", self.data]
        if ttl is not None:
            args += ["--ttl", str(ttl)]
        if name is not None:
            args += ["--name", name]
        return subprocess.run(args, env=self.env, check=True, capture_output=True,
                              text=True, timeout=30).stdout.strip()

    def metrics(self) -> dict[str, float]:
        with urllib.request.urlopen(f"{self.base}/metrics", timeout=5) as r:
            text = r.read().decode()
        values = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                name, _, value = line.rpartition(" ")
                values[name] = float(value)
        return values

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def unthrottled_server() -> Server:
    """A started server without the API's rate limits: for tests whose load is the point."""
    s = Server(extra_args=("--rate-per-address", "0", "--rate-per-user", "0"))
    s.start()
    return s


@pytest.fixture(scope="module")
def server():
    if not SERVER_BIN.exists():
        pytest.fail(f"{SERVER_BIN} is missing: build it first (tools/test does)")
    s = Server()
    s.start()
    yield s
    s.stop()


@pytest.fixture
def run():
    """Runs a coroutine to completion on a fresh event loop, bounded by a timeout."""
    def runner(coro, timeout=60):
        return asyncio.run(asyncio.wait_for(coro, timeout))
    return runner
