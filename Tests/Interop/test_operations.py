"""Running the server as an operator does: logs as JSON lines (`--log-format json`, or
CHOBI_LOG_FORMAT) that a collector can parse line by line, and a database migrated by a newer
binary refused at start, by name, with a non-zero exit and the file left as it was."""
import json
import sqlite3
import subprocess
import urllib.request
from pathlib import Path

import pytest

from conftest import SERVER_BIN, Server
from trpc import API


def test_json_logs_are_one_object_per_line(tmp_path):
    server = Server(extra_args=("--log-level", "debug"))
    server.env["CHOBI_LOG_FORMAT"] = "json"
    server.start()
    try:
        api = API(server.base)
        host = api.register("jsonlogs")
        session = host.api.mutate("streaming.createSession", {"title": "Logs \"quoted\" — ünïcode 🎁\n"})["session"]["id"]
        host.api.mutate("streaming.endSession", {"sessionId": session})
        with urllib.request.urlopen(f"{server.base}/health", timeout=5) as r:
            assert r.status == 200
    finally:
        server.stop()
    lines = [line for line in Path(server.log_path).read_text().splitlines() if line]
    assert lines, "the server logged nothing"
    for line in lines:
        event = json.loads(line)   # every line, not just most
        assert set(event) >= {"timestamp", "level", "label", "message"}, line
        assert event["level"] in {"trace", "debug", "info", "notice", "warning", "error", "critical"}, line
        assert isinstance(event.get("metadata", {}), dict), line
        assert all(isinstance(v, str) for v in event.get("metadata", {}).values()), line
        assert len(event["timestamp"]) == 24 and event["timestamp"].endswith("Z"), line
        assert line.isascii(), line
    print(f"{len(lines)} JSON log lines; levels: {sorted({json.loads(l)['level'] for l in lines})}")


def test_an_unknown_log_format_is_refused():
    result = subprocess.run([str(SERVER_BIN), "serve", "--log-format", "xml"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "--log-format" in result.stderr and "xml" in result.stderr, result.stderr


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_an_older_binary_refuses_a_newer_database(log_format):
    server = Server()
    server.start()
    server.stop()
    database = Path(server.data) / "chobi.sqlite"
    db = sqlite3.connect(database)
    with db:
        db.execute("INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
    before = sorted(row[0] for row in db.execute("SELECT identifier FROM grdb_migrations"))
    db.close()

    result = subprocess.run(
        [str(SERVER_BIN), "serve", "--http-port", str(server.http_port), "--media-port", str(server.media_port),
         "--media-loops", "1", "--data-dir", server.data, "--log-format", log_format],
        capture_output=True, text=True, env=server.env, timeout=30)
    assert result.returncode != 0
    assert "newer Chobi Live" in result.stderr and "v99-from-the-future" in result.stderr, result.stderr
    if log_format == "json":
        events = [json.loads(line) for line in result.stderr.splitlines() if line]
        assert events[-1]["level"] == "critical", events[-1]
        assert "v99-from-the-future" in events[-1]["message"], events[-1]
    else:
        assert result.stderr.strip().startswith("Error: database "), result.stderr
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    assert sorted(row[0] for row in db.execute("SELECT identifier FROM grdb_migrations")) == before
    print(f"refused with exit {result.returncode}: {result.stderr.strip()}")
