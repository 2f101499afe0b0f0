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
