"""The server's web app in headless Chromium, driven through its buttons: a person signs up, finds a
live session in the list, watches host and guest side by side, is invited and co-hosts; another goes
live, invites a viewer, mutes the guest, ends and reads the report. Media claims are checked from
the far side's own decoder: Chromium's getStats(), or the aiortc peers' decoded frames."""
import asyncio
import json
import secrets
import time

import websockets

from browser import Browser
from peers import Publisher
from room_socket import RoomWatcher
from trpc import API

GUEST = 1 << 15  # the aiortc guest's frame indices start here; the host's stay below


async def until(check, timeout: float, what: str, every: float = 0.25):
    """Polls `check` (a blocking browser call is fine: each is a few ms) without stopping the
    asyncio loop the aiortc peers run on."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        await asyncio.sleep(every)
    raise AssertionError(f"{what}: not within {timeout} s (last {last!r})")


async def decoding_growth(browser: Browser, seconds: float) -> dict[str, int]:
    """Frames each inbound video stream decoded over `seconds`, from Chromium's getStats()."""
    before = {s["track"]: s["framesDecoded"] for s in browser.inbound_video()}
    await asyncio.sleep(seconds)
    return {s["track"]: s["framesDecoded"] - before.get(s["track"], 0) for s in browser.inbound_video()}


def sign_up(browser: Browser, base: str, username: str, display: str):
    browser.open(base + "/")
    browser.fill("username", username)
    browser.fill("password", "correct horse battery")
    browser.fill("display-name", display)
    browser.click("#register")


def tile_labels(browser: Browser) -> list[str]:
    return browser.script("return [...document.querySelectorAll('#tiles .tile .label')].map(e => e.textContent);")


def test_web_viewer_watches_side_by_side_then_cohosts(server, run):
    api = API(server.base)
    tag = secrets.token_hex(3)
    host = api.register(f"host{tag}", display=f"Host {tag}")
    guest = api.register(f"guest{tag}", display=f"Guest {tag}")
    other = api.register(f"other{tag}")
    browser = Browser()

    async def scenario():
        created = host.api.mutate("streaming.createSession", {"title": f"Side by side {tag}"})
        room = created["session"]["id"]
        host_pub = Publisher(server.base, room, created["roomToken"])
        await host_pub.start()
        host.api.mutate("streaming.inviteGuest", {"sessionId": room, "userId": guest.id})
        accepted = guest.api.mutate("streaming.respondToInvite", {"sessionId": room, "accept": True})
        guest_pub = Publisher(server.base, room, accepted["roomToken"], video_offset=GUEST)
        await guest_pub.start()
        watcher = RoomWatcher(server.base, other.api.mutate("streaming.joinSession", {"sessionId": room})["roomToken"],
                              chat=True)
        await watcher.start()
        try:
            # Sign up on the page, find the session in the list, watch it.
            sign_up(browser, server.base, f"web{tag}", f"Web {tag}")
            await until(lambda: browser.visible(f"#sessions li[data-session-id='{room}'] button"), 10,
                        f"the session in the page's list ({browser.state()})")
            browser.click(f"#sessions li[data-session-id='{room}'] button")
            await until(lambda: len([s for s in browser.inbound_video() if s["framesDecoded"] > 0]) >= 2, 15,
                        "Chromium decoding two video streams")
            growth = await decoding_growth(browser, 3.0)
            print(f"Chromium viewer, frames decoded per stream in 3 s: {growth}")
            assert len(growth) == 2 and min(growth.values()) >= 30, growth
            labels = await until(lambda: (lambda ls: ls if any(f"Host {tag}" in l for l in ls)
                                          and any(f"Guest {tag}" in l for l in ls) else None)(tile_labels(browser)),
                                 5, "tiles named after host and guest")
            assert len(labels) == 2, labels
            viewers = int(browser.script("return document.getElementById('viewer-count').textContent;"))
            assert viewers == 2, f"the page shows {viewers} viewers (the watcher and this page)"
            # Chat over the page's data channel: what it sends reaches aiortc's RTCDataChannel stamped
            # with the page's user, and what aiortc sends shows on the page.
            await until(lambda: browser.script("return !document.getElementById('chat-send').disabled;"), 10,
                        "the chat channel open on the page")
            await asyncio.wait_for(watcher.chat_open.wait(), 10)
            browser.fill("chat-text", f"hello from the page {tag}")
            browser.click("#chat-send")
            web_user = browser.script("return window.chobi.live.user.id;")
            heard = await watcher.wait_chat(lambda m: m["text"] == f"hello from the page {tag}")
            assert heard["author"] == web_user and heard["name"] == f"Web {tag}" and heard["role"] == "viewer", heard
            watcher.chat.send(f"hello browser {tag}")
            shown = await until(lambda: browser.script(
                "return [...document.querySelectorAll('#chat-log li')].map(li => li.textContent);"), 10,
                "chat lines on the page", every=0.1)
            await until(lambda: any(f"hello browser {tag}" in line for line in browser.script(
                "return [...document.querySelectorAll('#chat-log li')].map(li => li.textContent);")), 10,
                "aiortc's message on the page")
            print(f"chat: aiortc heard {heard['text']!r} from {heard['name']!r}; the page shows {len(shown)}+ lines")

            await until(lambda: browser.visible("#follow-host"), 5, "the Follow host button")
            browser.click("#follow-host")
            await until(lambda: api.query("users.getProfile", {"userId": host.id})["followerCount"] == 1, 5,
                        "the host's follower count after Follow")
            await until(lambda: browser.script("return document.getElementById('follow-host').textContent;")
                        == "Following", 5, "the button saying Following")

            # The socket drops by itself: the page comes back on its own and watches again.
            first_socket = browser.script("return window.chobi.live.me;")
            browser.script("window.chobi.live.ws.close();")
            await until(lambda: (lambda me: me and me != first_socket)(browser.script("return window.chobi.live.me;")),
                        10, "a new participant id after the reconnect")
            await until(lambda: len([s for s in browser.inbound_video() if s["framesDecoded"] > 0]) >= 2, 15,
                        "decoding both streams again after the reconnect")
            growth = await decoding_growth(browser, 2.0)
            assert len(growth) == 2 and min(growth.values()) >= 15, f"after the reconnect: {growth}"
            listed = next(s for s in api.query("streaming.getActiveSessions", {"limit": 50})["sessions"] if s["id"] == room)
            assert listed["viewerCount"] == 2, f"the page's reconnect counted twice: {listed}"
            await until(lambda: browser.script("return !document.getElementById('chat-send').disabled;"), 10,
                        "the chat channel open again after the reconnect")
            browser.fill("chat-text", f"back again {tag}")
            browser.click("#chat-send")
            await watcher.wait_chat(lambda m: m["text"] == f"back again {tag}")

            # The host invites this person; the page offers to co-host; accepting publishes the camera.
            tracks_before = len(watcher.video_tracks)
            host.api.mutate("streaming.inviteGuest", {"sessionId": room, "userId": web_user})
            await until(lambda: browser.visible("#accept-invite"), 10, "the invitation on the page")
            browser.click("#accept-invite")
            await until(lambda: browser.script("return window.chobi.live.role;") == "guest", 10, "guest role")
            await until(lambda: browser.outbound_video_frames_encoded() > 30, 15, "Chromium sending its camera")
            await until(lambda: len(watcher.video_tracks) > tracks_before, 10, "a new track at the aiortc viewer")
            await asyncio.sleep(3.0)
            recent = watcher.frames_per_track(since=time.monotonic() - 2.0)
            print(f"aiortc viewer, frames per video track in the last 2 s: {recent}")
            assert len(recent) == 3 and min(recent) >= 15, \
                f"the aiortc viewer should decode host, guest and the web guest: {recent}"
            # As a guest the page still shows the others, and its own camera.
            growth = await decoding_growth(browser, 2.0)
            assert len(growth) == 2 and min(growth.values()) >= 15, f"web guest watching the others: {growth}"
            guests = int(browser.script("return document.getElementById('guest-count').textContent;"))
            assert guests == 2, f"the page shows {guests} guests"

            # Removed as a guest, the page drops its camera and watches again on the same socket.
            host.api.mutate("streaming.removeGuest", {"sessionId": room, "userId": web_user})
            await until(lambda: browser.script("return window.chobi.live.role;") == "viewer", 10, "viewer again")
            await until(lambda: browser.script("return window.chobi.live.localStream === null && "
                                               "!document.querySelector(\"#tiles .tile[data-participant='local']\");"),
                        5, "the camera stopped and its tile gone")
            await until(lambda: len([s for s in browser.inbound_video() if s["framesDecoded"] > 0]) >= 2, 15,
                        "watching host and guest again")
            growth = await decoding_growth(browser, 2.0)
            assert len(growth) == 2 and min(growth.values()) >= 15, f"watching again after removal: {growth}"

            # Kicked, the page leaves the room, says why, and the session refuses it from then on.
            host.api.mutate("streaming.kick", {"sessionId": room, "userId": web_user})
            await until(lambda: browser.visible("#lobby"), 10, "back in the lobby after the kick")
            assert "removed you" in browser.state()["error"], browser.state()
            assert browser.script("return window.chobi.pc;") is None
            browser.click("#refresh")
            await asyncio.sleep(1.0)
            listed = browser.script("return [...document.querySelectorAll('#sessions li')].map(e => e.dataset.sessionId);")
            assert room not in listed, f"the kicked user's list still offers the session: {listed}"
            kicked = api.as_user(browser.script("return window.chobi.live.token;"))
            status, envelope = kicked.call("streaming.joinSession", {"sessionId": room})
            assert status == 403 and envelope["error"]["data"]["code"] == "FORBIDDEN", (status, envelope)
        finally:
            await watcher.close()
            await guest_pub.close()
            await host_pub.close()

    try:
        run(scenario(), timeout=120)
    finally:
        browser.close()


def test_web_host_goes_live_invites_mutes_and_ends_with_a_report(server, run):
    api = API(server.base)
    tag = secrets.token_hex(3)
    viewer = api.register(f"viewer{tag}", display=f"Viewer {tag}")
    browser = Browser()

    def profile_lookups() -> float:
        return sum(v for k, v in server.metrics().items() if k.startswith('chobi_api_calls_total{procedure="users.getProfile"'))

    async def scenario():
        lookups_before = profile_lookups()
        sign_up(browser, server.base, f"webhost{tag}", f"Web host {tag}")
        await until(lambda: browser.visible("#go-live-app"), 10, f"the lobby ({browser.state()})")
        browser.fill("session-title", f"Web live {tag}")
        browser.click("#go-live-app")
        await until(lambda: browser.outbound_video_frames_encoded() > 0, 15, f"Chromium going live ({browser.state()})")
        listed = await until(lambda: next((s for s in api.query("streaming.getActiveSessions", {"limit": 50})["sessions"]
                                           if s["title"] == f"Web live {tag}"), None), 5, "the session in the list")
        room = listed["id"]
        began = time.monotonic()

        watcher = RoomWatcher(server.base, viewer.api.mutate("streaming.joinSession", {"sessionId": room})["roomToken"])
        await watcher.start()
        guest_pub = None
        try:
            await asyncio.sleep(3.0)
            decoded = watcher.frames_per_track(since=time.monotonic() - 2.0)
            print(f"aiortc viewer, Chromium host frames in 2 s: {decoded}")
            assert len(decoded) == 1 and decoded[0] >= 20, decoded

            # The viewer shows up in the host's list; the host invites them with the button.
            invite = f"#people li[data-user-id='{viewer.id}'] button.invite"
            await until(lambda: browser.visible(invite), 10, "the viewer with an Invite button")
            shown = browser.script("return document.querySelector(arguments[0]).textContent;",
                                   f"#people li[data-user-id='{viewer.id}'] .name")
            assert shown == f"Viewer {tag}", f"the viewer's name from their room token: {shown!r}"
            browser.click(invite)
            invited = await watcher.wait_event("guest_invited")
            assert invited["user"] == viewer.id, invited
            accepted = viewer.api.mutate("streaming.respondToInvite", {"sessionId": room, "accept": True})
            guest_pub = Publisher(server.base, room, accepted["roomToken"], video_offset=GUEST)
            await guest_pub.start()
            await until(lambda: any(s["framesDecoded"] > 0 for s in browser.inbound_video()), 15,
                        "Chromium host decoding the guest")
            growth = await decoding_growth(browser, 2.0)
            print(f"Chromium host, guest frames decoded in 2 s: {growth}")
            assert len(growth) == 1 and min(growth.values()) >= 20, growth

            # Mute the guest's video from the page: the aiortc viewer's guest frames stop.
            mute = f"#people li[data-user-id='{viewer.id}'] button.mute-video"
            await until(lambda: browser.visible(mute), 10, "the guest's Mute video button")
            browser.click(mute)
            muted = await watcher.wait_event("track_muted")
            assert muted["user"] == viewer.id and muted["kind"] == "video" and muted["muted"] is True, muted
            # Counted by what the guest encoded after the mute (plus a second for the SFU to act),
            # not by when the viewer decoded it: a busy decoder may still be finishing frames
            # that left the SFU before the mute.
            await asyncio.sleep(1.0)
            quiet_from = time.monotonic()
            await asyncio.sleep(2.0)
            first_quiet = GUEST + next((i for i, t in enumerate(guest_pub.video.sent_at) if t >= quiet_from),
                                       len(guest_pub.video.sent_at))
            guest_frames = watcher.count(lambda i: i >= first_quiet)
            assert guest_frames == 0, f"{guest_frames} guest frames encoded after the mute were decoded"
            await until(lambda: browser.visible(f"#people li[data-user-id='{viewer.id}'] button.mute-video")
                        and "Unmute" in browser.script(
                            "return document.querySelector(arguments[0]).textContent;", mute), 5, "an Unmute button")

            # A crowd arrives: the host's list shows the stage and the 50 latest viewers, then a count.
            loop = asyncio.get_running_loop()
            tokens = await loop.run_in_executor(None, lambda: [
                server.token(room, f"crowd-{i}", "viewer", name=f"Crowd {i}") for i in range(60)])
            crowd = []
            try:
                for token in tokens:
                    ws = await websockets.connect(f"ws://127.0.0.1:{server.http_port}/rtc?token={token}")
                    await ws.send(json.dumps({"type": "join"}))
                    crowd.append(ws)
                # 60 viewers (the aiortc one is a guest now): 50 listed, 10 counted.
                more = await until(lambda: (lambda text: text if text == "and 10 more viewers" else None)(browser.script(
                    "const e = document.querySelector('#people li.more'); return e ? e.textContent : null;")), 10,
                    "the count of viewers not listed")
                names = browser.script("return [...document.querySelectorAll('#people li[data-role=viewer] .name')]"
                                       ".map(e => e.textContent);")
                print(f"host list with a crowd of 60: {len(names)} viewers shown, {more!r}")
                assert len(names) == 50 and names[0] == "Crowd 59", names[:3]
            finally:
                for ws in crowd:
                    await ws.close()

            # End from the page: the viewer is told, the page shows the report.
            ended_at = time.monotonic()
            browser.click("#end-session")
            event = await watcher.wait_event("session_ended")
            await until(lambda: browser.visible("#report-figures dd[data-field='uniqueViewers']"), 10, "the report")
            figures = browser.script("""
                const out = {};
                document.querySelectorAll('#report-figures dd').forEach(e => { out[e.dataset.field] = Number(e.dataset.value); });
                return out;""")
            print(f"report on the page: {figures}")
            assert figures["uniqueViewers"] == 1 and figures["peakViewers"] == 1, figures
            assert figures["guests"] == 1, figures
            assert abs(figures["durationSeconds"] - (ended_at - began)) < 4.0, (figures, ended_at - began)
            assert figures == {k: event["report"][k] for k in figures}, (figures, event["report"])
            assert browser.script("return window.chobi.pc;") is None, "the page kept its peer connection"
            assert profile_lookups() == lookups_before, "the host page looked people up instead of using token names"
        finally:
            await watcher.close()
            if guest_pub:
                await guest_pub.close()

    try:
        run(scenario(), timeout=120)
    finally:
        browser.close()


def test_web_lobby_pages_through_many_live_sessions(server, run):
    api = API(server.base)
    tag = secrets.token_hex(3)
    ours = set()
    for i in range(52):
        # Paced under the per-address limit (20/s): this is a lobby test, not a rate-limit test.
        host = api.register(f"many{i}x{tag}")
        time.sleep(0.06)
        ours.add(host.api.mutate("streaming.createSession", {"title": f"Many {i} {tag}"})["session"]["id"])
        time.sleep(0.06)
    browser = Browser()

    def listed() -> list[str]:
        return browser.script("return [...document.querySelectorAll('#sessions li')].map(e => e.dataset.sessionId);")

    async def scenario():
        sign_up(browser, server.base, f"lobby{tag}", f"Lobby {tag}")
        await until(lambda: len(listed()) == 50, 10, "a first page of 50")
        assert browser.visible("#more-sessions"), "no More button with more than 50 live"
        for _ in range(5):  # other tests' sessions may be live too: page until the end
            if not browser.visible("#more-sessions"):
                break
            before = len(listed())
            browser.click("#more-sessions")
            await until(lambda: len(listed()) > before, 10, "the next page appended")
        await asyncio.sleep(6.0)  # past a 5 s refresh: it must not drop the pages loaded
        return listed(), browser.visible("#more-sessions")

    try:
        shown, more = run(scenario(), timeout=60)
    finally:
        browser.close()
    assert len(shown) == len(set(shown)), "a session listed twice across pages"
    assert ours <= set(shown), f"{len(ours - set(shown))} of our 52 sessions missing"
    assert not more, "a More button after the last page"
