"""The host's record switch in headless Chromium: going live with "record" ticked records, the
stage's button stops the recording (the video becomes ready in the library) and starts a new
one, and the host's profile lists the ready recording as a card that opens the player."""
import asyncio
import secrets

from browser import Browser
from test_web_app import sign_up, until
from trpc import API


def test_the_record_switch_records_and_the_profile_lists_the_recording(server, run):
    tag = secrets.token_hex(3)
    page = Browser()

    async def scenario():
        sign_up(page, server.base, f"onair{tag}", f"On Air {tag}")
        await until(lambda: page.visible("#go-live-app"), 10, f"the lobby ({page.state()})")
        page.fill("session-title", f"Recorded {tag}")
        page.script("document.getElementById('session-record').checked = true;")
        page.click("#go-live-app")
        await until(lambda: page.outbound_video_frames_encoded() > 0, 15, f"Chromium going live ({page.state()})")
        label = page.script("return document.getElementById('record-session').textContent;")
        assert "Recording" in label, label
        user = page.script("return window.chobi.live.user.id;")
        api = API(server.base)
        mine = api.query("videos.getVideos", {"userId": user})["videos"]
        assert mine == [], mine  # still processing: not listed to others
        await until(lambda: page.script("return window.chobi.live.session && true;"), 5, "the stage")
        await asyncio.sleep(4)
        page.click("#record-session")  # stop: the first recording becomes a video
        await until(lambda: "Record" == page.script("return document.getElementById('record-session').textContent;"),
                    10, "the switch off")
        ready = await until(lambda: [v for v in api.query("videos.getVideos", {"userId": user})["videos"]
                                     if v["status"] == "ready"], 20, "the recording ready")
        assert ready[0]["source"] == "recording" and ready[0]["title"] == f"Recorded {tag}", ready
        assert ready[0]["durationMs"] >= 2_000, ready
        page.click("#record-session")  # on again: a second recording starts
        await until(lambda: "Recording" in page.script("return document.getElementById('record-session').textContent;"),
                    10, "the switch on again")
        page.click("#open-profile")
        await until(lambda: page.script(
            "return [...document.querySelectorAll('#profile-recordings li')].some(li => li.textContent.includes('Recorded'));"),
            10, "the recording on the profile")
        # The recording in progress is listed to its owner too (as a note, newest first): open the card.
        assert page.script("return document.querySelectorAll('#profile-recordings li').length;") == 2
        page.script("document.querySelector('#profile-recordings li .video-thumb').parentElement.click();")
        await until(lambda: page.visible("#video-player"), 10, "the player")
        assert page.script("return document.getElementById('player-title').textContent;") == f"Recorded {tag}"

    try:
        run(scenario(), timeout=90)
    finally:
        page.close()
