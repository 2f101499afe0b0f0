"""kill -9 of the server during a live session, then a restart on the same data directory: the
database opens cleanly, the orphaned session is ended with a report, and no row is lost."""
import secrets
import signal

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

    async def live():
        pub = Publisher(server.base, room, created["roomToken"])
        await pub.start()
        watchers = []
        for v in viewers:
            token = v.api.mutate("streaming.joinSession", {"sessionId": room})["roomToken"]
            w = RoomWatcher(server.base, token)
            await w.start()
            watchers.append(w)
        import asyncio
        await asyncio.sleep(3.0)
        return [len(w.frames) for w in watchers]

    frames = run(live(), timeout=40)
    assert all(n > 10 for n in frames), frames
    server.proc.send_signal(signal.SIGKILL)
    server.proc.wait(timeout=10)

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
    assert report["durationSeconds"] > 2, report
    # A new session can start: the orphan no longer counts as the host's live one.
    assert host.api.as_user(login["token"]).mutate("streaming.createSession", {"title": "Again"})["session"]["id"] != room
