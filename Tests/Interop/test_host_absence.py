"""A host who goes away (closed tab, lost network) or never connects does not leave a live session
behind: after the host-absence limit the session ends with reason host_left, its room hears
session_ended, and the list drops it; a host who comes back in time keeps the session."""
import asyncio
import secrets
import time

import pytest

from conftest import SERVER_BIN, Server
from peers import Publisher
from room_socket import RoomWatcher
from trpc import API

LIMIT = 3  # seconds; the watchdog looks every 2 s


@pytest.fixture(scope="module")
def quick_server():
    if not SERVER_BIN.exists():
        pytest.fail(f"{SERVER_BIN} is missing")
    s = Server(extra_args=("--host-absence-limit", str(LIMIT)))
    s.start()
    yield s
    s.stop()


def listed(api: API, session_id: str) -> bool:
    return any(s["id"] == session_id for s in api.query("streaming.getActiveSessions", {"limit": 100})["sessions"])


def test_a_session_whose_host_left_ends_and_its_viewers_are_told(quick_server, run):
    server = quick_server
    api = API(server.base)
    tag = secrets.token_hex(3)
    host, viewer = api.register(f"host{tag}"), api.register(f"viewer{tag}")
    created = host.api.mutate("streaming.createSession", {"title": "Gone"})
    room = created["session"]["id"]

    async def scenario():
        pub = Publisher(server.base, room, created["roomToken"])
        await pub.start()
        watcher = RoomWatcher(server.base, viewer.api.mutate("streaming.joinSession", {"sessionId": room})["roomToken"])
        await watcher.start()
        await asyncio.sleep(2.0)
        frames = len(watcher.frames)
        await pub.close()  # the host's only connection goes
        left_at = time.monotonic()
        still_live = listed(api, room)  # within the limit the session stays
        event = await watcher.wait_event("session_ended", timeout=LIMIT + 6)
        waited = time.monotonic() - left_at
        await asyncio.wait_for(watcher.socket_closed.wait(), 5)
        await watcher.close()
        return frames, still_live, event, waited

    frames, still_live, event, waited = run(scenario(), timeout=40)
    assert frames > 10, frames
    assert still_live, "the session ended before the host-absence limit"
    assert event["reason"] == "host_left", event
    assert LIMIT - 0.5 <= waited <= LIMIT + 4, waited
    assert event["report"]["uniqueViewers"] == 1, event
    assert not listed(api, room)
    report = host.api.query("streaming.getSessionReport", {"sessionId": room})
    assert report["endReason"] == "host_left", report
    # The host may go live again.
    again = host.api.mutate("streaming.createSession", {"title": "Back"})["session"]["id"]
    host.api.mutate("streaming.endSession", {"sessionId": again})


def test_a_host_back_in_time_keeps_the_session_and_one_who_never_came_loses_it(quick_server, run):
    server = quick_server
    api = API(server.base)
    tag = secrets.token_hex(3)
    host, absent = api.register(f"host{tag}"), api.register(f"absent{tag}")
    created = host.api.mutate("streaming.createSession", {"title": "Flaky network"})
    room = created["session"]["id"]
    never = absent.api.mutate("streaming.createSession", {"title": "Never connected"})["session"]["id"]

    async def scenario():
        first = Publisher(server.base, room, created["roomToken"])
        await first.start()
        await asyncio.sleep(1.0)
        await first.close()
        await asyncio.sleep(1.0)  # gone, but for less than the limit
        token = host.api.mutate("streaming.joinSession", {"sessionId": room})["roomToken"]
        second = Publisher(server.base, room, token)
        await second.start()
        await asyncio.sleep(LIMIT + 4)  # well past the limit since the first connection went
        alive = listed(api, room)
        await second.close()
        return alive

    assert run(scenario(), timeout=40), "the session ended although its host came back in time"
    assert not listed(api, never)
    assert absent.api.query("streaming.getSessionReport", {"sessionId": never})["endReason"] == "host_left"
