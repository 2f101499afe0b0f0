"""Analytics through the real server (docs/api.md, "Analytics"): a host goes live, three viewers
join with different User-Agents and X-Forwarded-For addresses through a trusted proxy (the test's
loopback connection, trusted with --trusted-proxies 127.0.0.1), they chat and one gifts, the
session ends, and analytics.getStreamStats counts them by device and country as sent. A second
server that trusts no proxy ignores the header: the loopback peer has no country.

The X-Forwarded-For addresses are only text in a header; nothing connects to them. Their
countries were checked by lookup in Debian's geoip-database files (CountryLookupTests does it on
every run)."""
import asyncio
import json
import secrets
import subprocess
import time
import urllib.request

from conftest import SERVER_BIN, Server
from test_room_economy import SocketViewer
from trpc import API, TRPCFailure

IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1")
WINDOWS_CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/124.0.0.0 Safari/537.36")
ANDROID_TABLET = ("Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/124.0.0.0 Safari/537.36")
# (User-Agent, X-Forwarded-For, expected device, expected country)
VIEWERS = [
    (IPHONE, "81.2.69.160", "mobile", "GB"),
    (WINDOWS_CHROME, "133.11.0.1", "desktop", "JP"),
    (ANDROID_TABLET, "8.8.8.8", "tablet", "US"),
]


def join(base: str, token: str, session: str, user_agent: str, forwarded_for: str | None) -> dict:
    """streaming.joinSession with the headers a browser behind a proxy would carry."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "User-Agent": user_agent}
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    request = urllib.request.Request(f"{base}/api/trpc/streaming.joinSession",
                                     data=json.dumps({"sessionId": session}).encode(), headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=15) as r:
        return json.loads(r.read())["result"]["data"]


def shares(entries: list[dict]) -> dict[str, int]:
    return {e["key"]: e["viewers"] for e in entries}


def refused(call) -> TRPCFailure:
    try:
        call()
    except TRPCFailure as e:
        return e
    raise AssertionError("the call succeeded")


def started(*args: str) -> Server:
    server = Server(extra_args=("--analytics-interval", "0.5", *args))
    server.start()
    return server


def test_stream_stats_count_devices_and_countries_from_a_trusted_proxy(run):
    server = started("--trusted-proxies", "127.0.0.1")
    try:
        api = API(server.base)
        tag = secrets.token_hex(3)
        admin, host, *viewers = (api.register(f"{n}{tag}") for n in ("admin", "host", "va", "vb", "vc"))
        subprocess.run([str(SERVER_BIN), "admin", "grant", admin.user["username"], "--data-dir", server.data],
                       check=True, capture_output=True, env=server.env, timeout=30)
        gifter = viewers[2]
        admin.api.mutate("gifts.addCoins", {"userId": gifter.id, "amount": 100, "idempotencyKey": f"buy-{tag}"})
        session = host.api.mutate("streaming.createSession", {"title": "Analytics"})["session"]["id"]
        tokens = [join(server.base, v.api.token, session, ua, xff)["roomToken"]
                  for v, (ua, xff, _, _) in zip(viewers, VIEWERS)]

        async def watch_chat_and_gift():
            sockets = [SocketViewer(server.base, t) for t in tokens]
            for s in sockets:
                await s.start()
            try:
                await asyncio.to_thread(viewers[0].api.mutate, "chat.sendMessage", {"sessionId": session, "text": "hello"})
                await asyncio.to_thread(viewers[1].api.mutate, "chat.sendMessage", {"sessionId": session, "text": "hi"})
                await asyncio.to_thread(viewers[0].api.mutate, "users.follow", {"userId": host.id})
                await asyncio.to_thread(gifter.api.mutate, "gifts.sendGift", {
                    "sessionId": session, "giftId": "rose", "count": 3, "idempotencyKey": f"g-{tag}"})
                # Everyone stays past a sample, so the series sees all three at once.
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline:
                    live = host.api.query("analytics.getStreamStats", {"sessionId": session})
                    if any(p["viewers"] == 3 for p in live["series"]):
                        break
                    await asyncio.sleep(0.2)
                assert live["status"] == "live" and any(p["viewers"] == 3 for p in live["series"]), live["series"]
            finally:
                for s in sockets:
                    await s.close()

        run(watch_chat_and_gift(), timeout=30)
        host.api.mutate("streaming.endSession", {"sessionId": session})

        # The sample at the end comes with the next tick.
        deadline = time.monotonic() + 5
        while True:
            stats = host.api.query("analytics.getStreamStats", {"sessionId": session})
            if stats["series"] and stats["series"][-1]["at"] == stats["endedAt"] or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert stats["status"] == "ended"
        assert shares(stats["devices"]) == {device: 1 for _, _, device, _ in VIEWERS}, stats["devices"]
        assert shares(stats["countries"]) == {country: 1 for _, _, _, country in VIEWERS}, stats["countries"]
        assert shares(stats["operatingSystems"]) == {"iOS": 1, "Windows": 1, "Android": 1}
        assert shares(stats["browsers"]) == {"Safari": 1, "Chrome": 2}
        assert stats["viewers"]["unique"] == 3 and stats["viewers"]["peak"] == 3, stats["viewers"]
        assert 0 < stats["viewers"]["average"] <= 3 and stats["watchTimeSeconds"] > 0
        engagement = stats["engagement"]
        assert (engagement["chatters"], engagement["gifters"], engagement["messages"]) == (2, 1, 2), engagement
        assert abs(engagement["chatterShare"] - 2 / 3) < 1e-9 and abs(engagement["gifterShare"] - 1 / 3) < 1e-9
        assert engagement["messagesPerMinute"] > 0
        assert stats["gifts"]["total"] == 3 and stats["gifts"]["coins"] == 3
        assert [(g["giftId"], g["gifts"], g["senders"]) for g in stats["gifts"]["byGift"]] == [("rose", 3, 1)]
        assert [g["userId"] for g in stats["gifts"]["topGifters"]] == [gifter.id]
        assert stats["followersGained"] == 1
        series = stats["series"]
        assert series[-1]["at"] == stats["endedAt"] and series[-1]["viewers"] == 0, series
        assert sum(p["chatLines"] for p in series) == 2 and sum(p["gifts"] for p in series) == 3, series
        assert sum(p["coins"] for p in series) == 3

        # Only the host sees them; input is checked.
        assert refused(lambda: viewers[0].api.query("analytics.getStreamStats", {"sessionId": session})).code == "FORBIDDEN"
        assert refused(lambda: host.api.query("analytics.getStreamStats",
                                              {"sessionId": "00000000-0000-4000-8000-000000000000"})).code == "NOT_FOUND"
        assert refused(lambda: host.api.query("analytics.getStreamStats", {"sessionId": "nope"})).code == "BAD_REQUEST"
        assert refused(lambda: API(server.base).query("analytics.getStreamStats", {"sessionId": session})).code == "UNAUTHORIZED"

        day = host.api.query("analytics.getHostStats", {"period": "day"})
        assert (day["sessions"], day["uniqueViewers"], day["gifts"], day["coins"], day["messages"]) == (1, 3, 3, 3, 2), day
        assert day["diamonds"] == 2 and day["followersGained"] == 1 and day["hoursLive"] > 0, day
        assert day["watchTimeSeconds"] == stats["watchTimeSeconds"]
        assert viewers[0].api.query("analytics.getHostStats", {"period": "month"})["sessions"] == 0
        assert refused(lambda: host.api.query("analytics.getHostStats", {"period": "year"})).code == "BAD_REQUEST"
    finally:
        server.stop()


def test_forwarded_for_from_an_untrusted_peer_is_ignored(run):
    server = started()  # no --trusted-proxies: the TCP peer is the client
    try:
        api = API(server.base)
        tag = secrets.token_hex(3)
        host, viewer = api.register(f"host{tag}"), api.register(f"viewer{tag}")
        session = host.api.mutate("streaming.createSession", {"title": "Untrusted"})["session"]["id"]
        join(server.base, viewer.api.token, session, IPHONE, "8.8.8.8")
        stats = host.api.query("analytics.getStreamStats", {"sessionId": session})
        assert shares(stats["countries"]) == {"unknown": 1}, stats["countries"]
        assert shares(stats["devices"]) == {"mobile": 1}
    finally:
        server.stop()
