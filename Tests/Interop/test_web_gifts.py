"""Gifts from the web page, in two headless Chromiums: a host goes live from its page, a viewer
with coins watches from another page and sends a gift from the gift panel; the host's page plays
the animation, and both pages' balances change by what the ledger moved. Kept chat reaches the
pages with ids; the host's page deletes a line for everyone and appoints a moderator, whose page
can then delete lines too."""
import asyncio
import secrets
import subprocess

from browser import Browser
from conftest import SERVER_BIN
from test_web_app import sign_up, until
from trpc import API


def balance(browser: Browser) -> tuple[int, int]:
    return (int(browser.script("return document.getElementById('coins').textContent;")),
            int(browser.script("return document.getElementById('diamonds').textContent;")))


def test_a_page_sends_a_gift_and_the_host_page_plays_it(server, run):
    api = API(server.base)
    tag = secrets.token_hex(3)
    admin = api.register(f"admin{tag}")
    subprocess.run([str(SERVER_BIN), "admin", "grant", admin.user["username"], "--data-dir", server.data],
                   check=True, capture_output=True, env=server.env, timeout=30)
    host_page, viewer_page = Browser(), Browser()

    async def scenario():
        sign_up(host_page, server.base, f"gifthost{tag}", f"Gift host {tag}")
        await until(lambda: host_page.visible("#go-live-app"), 10, f"the host's lobby ({host_page.state()})")
        host_page.fill("session-title", f"Gifts {tag}")
        host_page.click("#go-live-app")
        await until(lambda: host_page.outbound_video_frames_encoded() > 0, 15, "the host page live")
        room = host_page.script("return window.chobi.live.session.id;")

        sign_up(viewer_page, server.base, f"giftfan{tag}", f"Gift fan {tag}")
        fan_id = await until(lambda: viewer_page.script("return window.chobi.live.user && window.chobi.live.user.id;"),
                             10, "the viewer signed in")
        admin.api.mutate("gifts.addCoins", {"userId": fan_id, "amount": 100, "idempotencyKey": f"fan-{tag}"})
        await until(lambda: viewer_page.visible(f"#sessions li[data-session-id='{room}'] button"), 10, "the session listed")
        viewer_page.click(f"#sessions li[data-session-id='{room}'] button")
        await until(lambda: viewer_page.visible("#gift-list button[data-gift-id='heart']"), 10, "the gift panel")
        await until(lambda: balance(viewer_page)[0] == 100, 10, "the viewer's coins on its page")
        await until(lambda: host_page.visible("#gift-list button"), 10, "the host's gift panel")
        host_before = balance(host_page)

        viewer_page.fill("gift-count", "2")
        viewer_page.click("#gift-list button[data-gift-id='heart']")
        played = await until(lambda: host_page.script(
            "const n = document.querySelector('#gift-stage .gift-animation'); return n && n.textContent;"),
            10, "the animation on the host's page")
        assert f"Gift fan {tag}" in played and "Heart" in played and "×2" in played, played
        await until(lambda: balance(viewer_page)[0] == 90, 10, "the viewer's coins after the gift")
        # 10 coins: 7 diamonds to the host (70 %), 3 to the platform.
        await until(lambda: balance(host_page)[1] == host_before[1] + 7, 10, "the host's diamonds after the gift")
        line = await until(lambda: host_page.script(
            "const li = document.querySelector('#chat-log li.gift'); return li && li.textContent;"), 10, "the gift's chat line")
        assert "Heart" in line, line

        # Chat from the viewer's page reaches the host's with an id; the host deletes it for both.
        await until(lambda: not viewer_page.script("return document.getElementById('chat-send').disabled;"), 10,
                    "the viewer's chat channel")
        viewer_page.fill("chat-text", f"hello host {tag}")
        viewer_page.click("#chat-send")
        selector = f"#chat-log li[data-id]"
        line_id = await until(lambda: host_page.script(
            "const li = [...document.querySelectorAll(arguments[0])].find(l => l.textContent.includes(arguments[1]));"
            "return li && li.dataset.id;", selector, f"hello host {tag}"), 10, "the viewer's line on the host's page")
        host_page.click(f"#chat-log li[data-id='{line_id}'] button")
        await until(lambda: not viewer_page.script(
            "return !!document.querySelector('#chat-log li[data-id=\"' + arguments[0] + '\"]');", line_id),
            10, "the line gone from the viewer's page")

        # The host makes the viewer a moderator from its line; the viewer's page then deletes a
        # line of the host's for everyone.
        find_line = ("const li = [...document.querySelectorAll('#chat-log li[data-id]')]"
                     ".find(l => l.textContent.includes(arguments[0])); return li && li.dataset.id;")
        viewer_page.fill("chat-text", f"make me a moderator {tag}")
        viewer_page.click("#chat-send")
        ask = await until(lambda: host_page.script(find_line, f"make me a moderator {tag}"), 10, "the request line")
        host_page.click(f"#chat-log li[data-id='{ask}'] button.appoint")
        await until(lambda: viewer_page.script("return window.chobi.live.moderators.has(arguments[0]);", fan_id), 10,
                    "the viewer's page knows it moderates")
        host_page.fill("chat-text", f"from the host {tag}")
        host_page.click("#chat-send")
        hosts = await until(lambda: viewer_page.script(find_line, f"from the host {tag}"), 10, "the host's line")
        viewer_page.click(f"#chat-log li[data-id='{hosts}'] button")
        await until(lambda: not host_page.script(find_line, f"from the host {tag}"), 10,
                    "the host's line deleted by the moderator")

    try:
        run(scenario(), timeout=90)
    finally:
        host_page.close()
        viewer_page.close()
