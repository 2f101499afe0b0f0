"""A certificate renewed on disk while the server runs: the release server started with
`--tls-cert/--tls-key` presents certificate A; the files are replaced with B (each file swapped
whole, as certbot or a deploy tool does); the next TLS handshake presents B, with no restart, and
a connection opened before the swap keeps answering."""
import datetime
import hashlib
import ipaddress
import os
import secrets
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from conftest import SERVER_BIN, free_tcp_port, free_udp_base


def make_pair(name: str) -> tuple[bytes, bytes]:
    """A self-signed P-256 certificate for 127.0.0.1 and its key, PEM."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(key, hashes.SHA256()))
    return (cert.public_bytes(serialization.Encoding.PEM),
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def fingerprint_of_pem(pem: bytes) -> str:
    return hashlib.sha256(x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)).hexdigest()


def presented(port: int) -> str | None:
    """SHA-256 of the certificate a fresh handshake on 127.0.0.1:port presents."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as raw:
            with context.wrap_socket(raw) as tls:
                return hashlib.sha256(tls.getpeercert(binary_form=True)).hexdigest()
    except OSError:
        return None


def replace(path: Path, data: bytes):
    tmp = path.with_suffix(".new")
    tmp.write_bytes(data)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def test_a_replaced_certificate_is_presented_at_the_next_handshake():
    data = Path(tempfile.mkdtemp(prefix="chobi-tls-reload-"))
    cert_path, key_path = data / "cert.pem", data / "key.pem"
    cert_a, key_a = make_pair("chobi test A")
    cert_b, key_b = make_pair("chobi test B")
    replace(cert_path, cert_a)
    replace(key_path, key_a)
    port = free_tcp_port()
    log_path = data / "server.log"
    server = subprocess.Popen(
        [str(SERVER_BIN), "serve", "--http-port", str(port), "--media-port", str(free_udp_base(1)),
         "--media-loops", "1", "--data-dir", str(data), "--tls-cert", str(cert_path), "--tls-key", str(key_path)],
        stdout=open(log_path, "wb"), stderr=subprocess.STDOUT, cwd=data,
        env=dict(os.environ, CHOBI_JWT_SECRET=secrets.token_hex(32)))
    try:
        deadline = time.monotonic() + 30
        first = None
        while first is None and time.monotonic() < deadline:
            assert server.poll() is None, log_path.read_text(errors="replace")[-3000:]
            first = presented(port)
            time.sleep(0.1)
        assert first == fingerprint_of_pem(cert_a), "the server did not present certificate A"

        # A connection from before the swap, kept open across it.
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        kept = context.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=5))

        started = time.monotonic()
        replace(key_path, key_b)   # for a moment the pair does not match: the server keeps A
        replace(cert_path, cert_b)
        now = presented(port)
        while now != fingerprint_of_pem(cert_b) and time.monotonic() - started < 10:
            time.sleep(0.2)
            now = presented(port)
        took = time.monotonic() - started
        print(f"certificate B presented {took:.1f} s after the files were replaced")
        assert now == fingerprint_of_pem(cert_b), "the renewed certificate was not picked up"

        kept.sendall(b"GET /ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        answer = kept.recv(200)
        kept.close()
        assert answer.startswith(b"HTTP/1.1 200"), answer
        assert server.poll() is None
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
