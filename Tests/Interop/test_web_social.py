"""The app around the stream in headless Chromium: the bell's count rises when a followed host goes
live (the page hears it on /events), the list shows it and reading it clears the count; the
profile page shows level, badges and statistics; search finds people."""
import asyncio
import os
import secrets
from pathlib import Path

from browser import Browser
from conftest import ROOT
from test_web_app import sign_up, until
from trpc import API

SHOTS = Path(os.environ.get("CHOBI_SCREENSHOTS", ROOT / ".build" / "test-results"))


def bell(browser: Browser) -> int:
    return int(browser.script("return document.getElementById('bell-count').textContent;") or 0)


def test_the_bell_rises_when_a_followed_host_goes_live(server, run):
    api = API(server.base)
    tag = secrets.token_hex(3)
    star = api.register(f"bellstar{tag}", display=f"Bell star {tag}")
    page = Browser()

    async def scenario():
        sign_up(page, server.base, f"bellfan{tag}", f"Bell fan {tag}")
        fan_id = await until(lambda: page.script("return window.chobi.live.user && window.chobi.live.user.id;"),
                             10, "signed in")
        await until(lambda: page.script("return !!(window.chobi.social.ws && window.chobi.social.ws.readyState === 1);"),
                    10, "the page's /events socket open")
        api.as_user(API(server.base).mutate("users.login", {"username": f"bellfan{tag}",
                                                            "password": "correct horse battery"})["token"]) \
            .mutate("users.follow", {"userId": star.id})
        before = bell(page)
        created = star.api.mutate("streaming.createSession", {"title": f"Ring {tag}"})
        await until(lambda: bell(page) == before + 1, 3, "the bell's count after the host went live")
        page.click("#bell")
        text = await until(lambda: page.script(
            "const li = document.querySelector('#notification-list li[data-kind=went_live]'); return li && li.textContent;"),
            5, "the went_live line in the list")
        assert f"Bell star {tag}" in text and f"Ring {tag}" in text, text
        page.click("#mark-all-read")
        await until(lambda: bell(page) == 0, 5, "the count after reading")

        # The star's profile from search: level, badges (followers_… not yet, first_stream yes), stats.
        page.click("#bell")
        page.fill("user-search", f"bellstar{tag}")
        page.click("#search-users")
        await until(lambda: page.visible(f"#search-results li[data-user-id='{star.id}'] button"), 5, "the search result")
        page.click(f"#search-results li[data-user-id='{star.id}'] button")
        await until(lambda: page.visible("#profile-level"), 5, "the profile page")
        await until(lambda: page.script("return !!document.querySelector('#profile-badges li[data-badge=first_stream]');"),
                    5, "the first_stream badge on the profile")
        followers = page.script("return document.querySelector('#profile-stats dd[data-field=followers]').textContent;")
        assert followers == "1", followers
        assert page.script("return !!document.querySelector('#profile-level svg .level-progress');")
        SHOTS.mkdir(parents=True, exist_ok=True)
        shot = SHOTS / "profile-page.png"
        page.driver.save_screenshot(str(shot))
        print(f"profile page screenshot: {shot}")
        star.api.mutate("streaming.endSession", {"sessionId": created["session"]["id"]})
        assert fan_id
    try:
        run(scenario(), timeout=60)
    finally:
        page.close()


def test_the_hosts_analytics_page_draws_its_charts(run):
    from conftest import Server
    from test_analytics import VIEWERS, join
    from test_room_economy import SocketViewer
    server = Server(extra_args=("--trusted-proxies", "127.0.0.1", "--analytics-interval", "0.5"))
    server.start()
    page = Browser()
    try:
        api = API(server.base)
        tag = secrets.token_hex(3)
        viewers = [api.register(f"av{i}{tag}") for i in range(3)]

        async def scenario():
            sign_up(page, server.base, f"ahost{tag}", f"Analytics host {tag}")
            await until(lambda: page.visible("#go-live-app"), 10, "the host's lobby")
            page.fill("session-title", f"Charts {tag}")
            page.click("#go-live-app")
            await until(lambda: page.outbound_video_frames_encoded() > 0, 15, "the host page live")
            session = page.script("return window.chobi.live.session.id;")
            tokens = [join(server.base, v.api.token, session, ua, xff)["roomToken"]
                      for v, (ua, xff, _, _) in zip(viewers, VIEWERS)]
            sockets = [SocketViewer(server.base, t) for t in tokens]
            for s in sockets:
                await s.start()
            await asyncio.sleep(1.5)   # a few samples with three viewers
            for s in sockets:
                await s.close()
            await asyncio.sleep(0.6)
            page.click("#end-session")
            await until(lambda: page.visible("#open-analytics"), 10, "the end report's Analytics button")
            page.click("#open-analytics")
            await until(lambda: page.visible("#chart-devices svg"), 10, "the analytics page")
            bars = await until(lambda: page.script(
                "return [...document.querySelectorAll('#chart-devices rect.bar')].map(b => b.dataset.name + '=' + b.dataset.count);"),
                5, "device bars")
            assert sorted(bars) == sorted(f"{device}=1" for _, _, device, _ in VIEWERS), bars
            countries = page.script(
                "return [...document.querySelectorAll('#chart-countries rect.bar')].map(b => b.dataset.name + '=' + b.dataset.count);")
            assert sorted(countries) == sorted(f"{country}=1" for _, _, _, country in VIEWERS), countries
            points = page.script("return document.querySelectorAll('#chart-viewers svg circle').length;")
            peak = page.script("return document.querySelector('#analytics-figures dd[data-field=peak]').textContent;")
            assert points >= 3 and peak == "3", (points, peak)
            SHOTS.mkdir(parents=True, exist_ok=True)
            shot = SHOTS / "analytics-page.png"
            page.driver.set_window_size(900, 1300)
            page.driver.save_screenshot(str(shot))
            print(f"analytics page screenshot: {shot}")
        run(scenario(), timeout=90)
    finally:
        page.close()
        server.stop()
