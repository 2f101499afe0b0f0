"""Profiles and notifications against the release server (issue 15): the per-user /events socket,
went_live fan-out to 10,000 followers off the request path, and levels and badges given exactly
once across a restart. Every check reads what a client sees: socket frames, tRPC answers, and (for
the fan-out's completeness) the rows in the store."""
import asyncio
import json
import secrets
import sqlite3
import statistics
import time
import uuid
from pathlib import Path

import pytest
import websockets

from conftest import Server
from trpc import API


@pytest.fixture(scope="module")
def srv():
    s = Server(extra_args=("--rate-per-address", "0", "--rate-per-user", "0"))
    s.start()
    yield s
    s.stop()


def events_url(server: Server, token: str) -> str:
    return f"ws://127.0.0.1:{server.http_port}/events?token={token}"


async def next_event(ws, kind: str, timeout: float):
    """The next frame of `kind` within `timeout` seconds (other frames are skipped)."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"no {kind} event within {timeout} s")
        frame = json.loads(await asyncio.wait_for(ws.recv(), left))
        if frame["type"] == kind:
            return frame


def test_went_live_reaches_the_followers_socket_and_reads_clear_every_tab(srv, run):
    api = API(srv.base)
    tag = secrets.token_hex(3)
    fan, star = api.register(f"fan{tag}"), api.register(f"star{tag}")
    fan.api.mutate("users.follow", {"userId": star.id})

    async def scenario():
        async with websockets.connect(events_url(srv, fan.api.token)) as tab1, \
                websockets.connect(events_url(srv, fan.api.token)) as tab2:
            for tab in (tab1, tab2):
                ready = await next_event(tab, "ready", 5)
                assert ready["userId"] == fan.id
            started = time.monotonic()
            created = await asyncio.to_thread(star.api.mutate, "streaming.createSession", {"title": "Hello fans"})
            session_id = created["session"]["id"]
            live = [await next_event(tab, "notification", 1.0) for tab in (tab1, tab2)]
            latency = time.monotonic() - started
            for frame in live:
                n = frame["notification"]
                assert n["kind"] == "went_live" and n["data"]["sessionId"] == session_id
                assert n["data"]["hostName"] == star.user["displayName"] and not n["read"]
                assert frame["unreadCount"] >= 1
            page = await asyncio.to_thread(fan.api.query, "notifications.getNotifications", {"unreadOnly": True})
            went = [n for n in page["notifications"] if n["kind"] == "went_live"]
            assert [n["id"] for n in went] == [live[0]["notification"]["id"]]
            unread_before = page["unreadCount"]
            read = await asyncio.to_thread(fan.api.mutate, "notifications.markAsRead", {"ids": [went[0]["id"]]})
            assert read["unreadCount"] == unread_before - 1
            for tab in (tab1, tab2):
                assert (await next_event(tab, "unread_count", 2))["unreadCount"] == read["unreadCount"]
            count = await asyncio.to_thread(fan.api.query, "notifications.getUnreadCount")
            assert count["unreadCount"] == read["unreadCount"]
            print(f"went_live on both tabs {latency * 1000:.0f} ms after createSession was sent")
            await asyncio.to_thread(star.api.mutate, "streaming.endSession", {"sessionId": session_id})
    run(scenario(), timeout=30)


def test_a_bad_token_gets_no_events(srv, run):
    async def scenario():
        async with websockets.connect(events_url(srv, "not-a-token")) as ws:
            frame = json.loads(await asyncio.wait_for(ws.recv(), 5))
            assert frame["type"] == "error" and frame["code"] == "UNAUTHORIZED"
            with pytest.raises(websockets.ConnectionClosed):
                await asyncio.wait_for(ws.recv(), 5)
    run(scenario(), timeout=20)


def add_followers(db_path: Path, host_id: str, count: int):
    """Writes `count` users following `host_id` straight into the store (the test's own rows)."""
    now = int(time.time() * 1000)
    db = sqlite3.connect(db_path, timeout=30)
    try:
        with db:
            users = [(str(uuid.uuid4()), f"f{host_id[:8]}{i}", "x", f"Follower {i}", now) for i in range(count)]
            db.executemany("INSERT INTO users (id, username, password_hash, display_name, created_at) "
                           "VALUES (?, ?, ?, ?, ?)", users)
            db.executemany("INSERT INTO follows (follower_id, followee_id, created_at) VALUES (?, ?, ?)",
                           [(u[0], host_id, now) for u in users])
    finally:
        db.close()


def went_live_rows(db_path: Path, session_id: str) -> int:
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    try:
        return db.execute("SELECT COUNT(*) FROM notifications WHERE kind = 'went_live' AND dedupe_key = ?",
                          (f"went_live:{session_id}",)).fetchone()[0]
    finally:
        db.close()


def test_ten_thousand_followers_cost_create_session_nothing(srv):
    api = API(srv.base)
    tag = secrets.token_hex(3)
    popular, quiet = api.register(f"pop{tag}"), api.register(f"quiet{tag}")
    db_path = Path(srv.data) / "chobi.sqlite"
    add_followers(db_path, popular.id, 10_000)

    def timed_create(account) -> tuple[float, str]:
        started = time.perf_counter()
        created = account.api.mutate("streaming.createSession", {"title": "Timing"})
        return time.perf_counter() - started, created["session"]["id"]

    with_followers, without = [], []
    fan_out_times = []
    for _ in range(5):
        elapsed, session_id = timed_create(quiet)
        without.append(elapsed)
        quiet.api.mutate("streaming.endSession", {"sessionId": session_id})
        elapsed, session_id = timed_create(popular)
        with_followers.append(elapsed)
        started = time.monotonic()
        while went_live_rows(db_path, session_id) < 10_000:
            assert time.monotonic() - started < 2.0, \
                f"{went_live_rows(db_path, session_id)} of 10,000 went_live stored after 2 s"
            time.sleep(0.02)
        fan_out_times.append(time.monotonic() - started + elapsed)
        popular.api.mutate("streaming.endSession", {"sessionId": session_id})
    a, b = statistics.median(with_followers), statistics.median(without)
    print(f"createSession median: {a * 1000:.2f} ms with 10,000 followers, {b * 1000:.2f} ms without; "
          f"all 10,000 went_live stored within {max(fan_out_times) * 1000:.0f} ms of the call")
    # Within 20 %, plus half a millisecond: below that, loopback scheduling noise is the measure.
    assert a <= b * 1.2 + 0.0005


def test_badges_and_levels_are_given_exactly_once_across_a_restart():
    server = Server(extra_args=("--rate-per-address", "0", "--rate-per-user", "0"))
    server.start()
    try:
        api = API(server.base)
        tag = secrets.token_hex(3)
        hero = api.register(f"hero{tag}")
        other = api.register(f"other{tag}")
        admin = api.register(f"adm{tag}")
        import subprocess
        from conftest import SERVER_BIN
        subprocess.run([str(SERVER_BIN), "admin", "grant", admin.user["username"], "--data-dir", server.data],
                       env=server.env, check=True, capture_output=True, timeout=30)
        admin.api.mutate("gifts.addCoins", {"userId": hero.id, "amount": 2000, "idempotencyKey": f"h-{tag}"})

        # Streams (first_stream), chats 100 lines in their own session (exempt from the rate limit).
        own = hero.api.mutate("streaming.createSession", {"title": "Hero live"})["session"]["id"]
        for i in range(100):
            hero.api.mutate("chat.sendMessage", {"sessionId": own, "text": f"line {i}"})
        hero.api.mutate("streaming.endSession", {"sessionId": own})
        # Gifts 1,000 coins in another's session (first_gift_sent; top gifter when it ends).
        theirs = other.api.mutate("streaming.createSession", {"title": "Other live"})["session"]["id"]
        for i in range(10):
            hero.api.mutate("gifts.sendGift", {"sessionId": theirs, "giftId": "diamond", "count": 1,
                                               "idempotencyKey": f"a{i}"})
        other.api.mutate("streaming.endSession", {"sessionId": theirs})
        # Killed before any pass of the tracker could have run for the last gifts and the end.
        server.proc.kill()
        server.proc.wait()
        server.start()
        api = API(server.base)
        for i in range(10):                                                # followers_10
            api.register(f"fol{i}{tag}").api.mutate("users.follow", {"userId": hero.id})

        expected = {"first_stream", "first_gift_sent", "top_gifter", "followers_10"}
        deadline = time.monotonic() + 10
        while True:
            got = hero.api.query("users.getAchievements", {"userId": hero.id})
            earned = {a["id"] for a in got["achievements"] if a["earned"]}
            if earned >= expected or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert earned == expected, earned
        # 1,000 coins → 100 XP, 100 lines → 200 XP, under a minute live → 0: 300 XP is level 3.
        profile = hero.api.query("users.getProfile", {"userId": hero.id})
        assert profile["level"]["experience"] == 300 and profile["level"]["level"] == 3, profile["level"]
        assert {b["id"] for b in profile["badges"]} == expected
        assert profile["stats"]["giftsSent"] == 10 and profile["stats"]["followers"] == 10

        # Another restart and more reads: nothing is given twice.
        server.stop()
        server.start()
        hero.api.query("users.getProfile", {"userId": hero.id})
        time.sleep(1.0)
        page = hero.api.query("notifications.getNotifications", {"limit": 100})
        kinds = [(n["kind"], n["data"].get("achievementId"), n["data"].get("level")) for n in page["notifications"]]
        achievements = sorted(k[1] for k in kinds if k[0] == "achievement")
        assert achievements == sorted(expected), kinds
        levels = [k[2] for k in kinds if k[0] == "level_up"]
        assert len(levels) == len(set(levels)) and max(levels) == 3, levels
        assert sum(1 for k in kinds if k[0] == "new_follower") == 10
    finally:
        server.stop()


def test_announcements_reach_everyone_and_switched_off_kinds_are_not_stored(srv, run):
    import subprocess
    from conftest import SERVER_BIN
    from trpc import TRPCFailure
    api = API(srv.base)
    tag = secrets.token_hex(3)
    admin, fan, quiet, star = (api.register(f"{n}{tag}") for n in ("adm", "fan", "quiet", "star"))
    subprocess.run([str(SERVER_BIN), "admin", "grant", admin.user["username"], "--data-dir", srv.data],
                   env=srv.env, check=True, capture_output=True, timeout=30)
    for account in (fan, quiet):
        account.api.mutate("users.follow", {"userId": star.id})
    settings = quiet.api.mutate("notifications.updateSettings", {"kinds": {"went_live": False}})
    assert settings["kinds"]["went_live"] is False and settings["kinds"]["system"] is True

    async def scenario():
        async with websockets.connect(events_url(srv, fan.api.token)) as tab:
            await next_event(tab, "ready", 5)
            with pytest.raises(TRPCFailure) as refused:
                await asyncio.to_thread(fan.api.mutate, "notifications.broadcast", {"title": "Not mine"})
            assert refused.value.code == "FORBIDDEN"
            await asyncio.to_thread(admin.api.mutate, "notifications.broadcast",
                                    {"title": f"Maintenance {tag}", "body": "at noon"})
            frame = await next_event(tab, "notification", 5)
            assert frame["notification"]["kind"] == "system"
            assert frame["notification"]["data"]["title"] == f"Maintenance {tag}"
            session = await asyncio.to_thread(star.api.mutate, "streaming.createSession", {"title": "Both?"})
            assert (await next_event(tab, "notification", 3))["notification"]["kind"] == "went_live"
            await asyncio.to_thread(star.api.mutate, "streaming.endSession", {"sessionId": session["session"]["id"]})
    run(scenario(), timeout=30)
    # The quiet follower got the announcement but, having switched it off, no went_live.
    deadline = time.monotonic() + 3
    while True:
        kinds = [n["kind"] for n in quiet.api.query("notifications.getNotifications", {"limit": 50})["notifications"]]
        if "system" in kinds or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert "system" in kinds and "went_live" not in kinds, kinds
