"""kill -9 of the server during a live session, then a restart on the same data directory: the
database opens cleanly, the orphaned session is ended with a report that stops when the server
died (not at the restart), and no row is lost. A graceful stop ends live sessions itself and tells
their clients."""
import asyncio
import secrets
import signal
import time

import pytest

from conftest import SERVER_BIN, Server
from peers import Publisher
from room_socket import RoomWatcher
from trpc import API


@pytest.fixture
def own_server():
    if not SERVER_BIN.exists():
        pytest.fail(f"{SERVER_BIN} is missing")
    s = Server()
    s.start()
    yield s
    s.stop()


def test_kill_9_mid_session_then_restart(own_server, run):
    server = own_server
    api = API(server.base)
    tag = secrets.token_hex(3)
    host = api.register(f"host{tag}", password="host password 1")
    viewers = [api.register(f"viewer{i}{tag}") for i in range(3)]
    host.api.mutate("users.updateProfile", {"bio": "before the crash"})
    created = host.api.mutate("streaming.createSession", {"title": "Doomed"})
    room = created["session"]["id"]
    went_live = time.monotonic()

    async def live():
        pub = Publisher(server.base, room, created["roomToken"])
        await pub.start()
        watchers = []
        for v in viewers:
            token = v.api.mutate("streaming.joinSession", {"sessionId": room})["roomToken"]
            w = RoomWatcher(server.base, token)
            await w.start()
            watchers.append(w)
        await asyncio.sleep(3.0)
        return [len(w.frames) for w in watchers]

    frames = run(live(), timeout=40)
    assert all(n > 10 for n in frames), frames
    server.proc.send_signal(signal.SIGKILL)
    server.proc.wait(timeout=10)
    alive = time.monotonic() - went_live
    time.sleep(6.0)  # down for a while: the report must not count this

    server.start()  # same data directory, same ports
    login = api.mutate("users.login", {"username": f"host{tag}", "password": "host password 1"})
    assert login["user"]["id"] == host.id
    assert login["user"]["bio"] == "before the crash"
    for v in viewers:
        assert api.query("users.getProfile", {"userId": v.id})["id"] == v.id
    assert not any(s["id"] == room for s in api.query("streaming.getActiveSessions", {"limit": 100})["sessions"])
    report = host.api.as_user(login["token"]).query("streaming.getSessionReport", {"sessionId": room})
    assert report["uniqueViewers"] == 3, report
    assert report["peakViewers"] == 3, report
    # Ended at the last heartbeat (every 2 s) or the last join, before the kill, not at the restart.
    assert alive - 3.5 <= report["durationSeconds"] <= alive + 1, (report, alive)
    assert report["endReason"] == "orphaned", report
    # A new session can start: the orphan no longer counts as the host's live one.
    assert host.api.as_user(login["token"]).mutate("streaming.createSession", {"title": "Again"})["session"]["id"] != room


def test_graceful_stop_ends_live_sessions_and_tells_their_clients(own_server, run):
    server = own_server
    api = API(server.base)
    tag = secrets.token_hex(3)
    host, viewer = api.register(f"host{tag}"), api.register(f"viewer{tag}")
    created = host.api.mutate("streaming.createSession", {"title": "Last call"})
    room = created["session"]["id"]
    went_live = time.monotonic()

    async def live_then_stop():
        pub = Publisher(server.base, room, created["roomToken"])
        await pub.start()
        watcher = RoomWatcher(server.base, viewer.api.mutate("streaming.joinSession", {"sessionId": room})["roomToken"])
        await watcher.start()
        await asyncio.sleep(2.0)
        decoded = len(watcher.frames)
        server.proc.send_signal(signal.SIGTERM)
        event = await watcher.wait_event("session_ended", timeout=10)
        stopped = time.monotonic() - went_live
        await asyncio.wait_for(watcher.socket_closed.wait(), 10)
        await watcher.close()
        pub.location = None  # the server is gone: nothing to DELETE
        await pub.close()
        return decoded, event, stopped

    decoded, event, stopped = run(live_then_stop(), timeout=40)
    assert server.proc.wait(timeout=15) == 0, server.log()
    assert decoded > 10, decoded
    assert event["reason"] == "server_shutdown", event
    assert event["report"]["uniqueViewers"] == 1, event
    assert abs(event["report"]["durationSeconds"] - stopped) < 2.0, (event, stopped)

    server.start()
    assert "ended sessions left live" not in server.log(), "the stop left a session live"
    report = host.api.query("streaming.getSessionReport", {"sessionId": room})
    assert report["status"] == "ended" and report["endReason"] == "server_shutdown", report
    assert report["durationSeconds"] == int(event["report"]["durationSeconds"]), (report, event)
