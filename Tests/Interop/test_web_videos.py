"""The Videos tab in headless Chromium: an upload through the page's form survives a connection
cut in the middle of a chunk (the page asks HEAD for the stored offset and goes on), the stored
file is the chosen file byte for byte, the player page plays it from /videos/<id>/file, and likes
and comments work from the page."""
import asyncio
import hashlib
import random
import secrets
import tempfile
from pathlib import Path

from browser import Browser
from test_web_app import sign_up, until
from trpc import API
from webm import make_webm

# Aborts the second PUT once 1 MiB of it went out, as a dropped connection would.
CUT_SECOND_CHUNK = """
const send = XMLHttpRequest.prototype.send;
let puts = 0;
window.__cuts = 0;
XMLHttpRequest.prototype.send = function (body) {
  const xhr = this;
  if (body instanceof Blob && ++puts === 2) {
    xhr.upload.addEventListener('progress', (event) => {
      if (event.loaded > (1 << 20) && !xhr.__cut) { xhr.__cut = true; window.__cuts += 1; xhr.abort(); }
    });
  }
  return send.call(this, body);
};
"""


def test_the_upload_form_resumes_after_a_cut_and_the_player_plays_it(server, run):
    tag = secrets.token_hex(3)
    data = make_webm(duration_s=20, frame_bytes=100_000, rng=random.Random(7))  # ~20 MB: three chunks
    folder = Path(tempfile.mkdtemp(prefix="chobi-upload-"))
    path = folder / "holiday.webm"
    path.write_bytes(data)
    page = Browser()

    async def scenario():
        sign_up(page, server.base, f"vlog{tag}", f"Vlogger {tag}")
        await until(lambda: page.script("return window.chobi.live.user && window.chobi.live.user.id;"), 10, "signed in")
        page.click("#open-videos")
        await until(lambda: page.visible("#video-grid"), 5, "the library")
        page.click("#show-upload")
        page.driver.find_element("id", "upload-file").send_keys(str(path))
        page.fill("upload-title", f"Holiday {tag}")
        page.fill("upload-tags", "beach, sun")
        page.script(CUT_SECOND_CHUNK)
        page.click("#upload-start")
        await until(lambda: page.visible("#video-player"), 60, "the player after the upload")
        assert page.script("return window.__cuts;") == 1
        assert page.script("return document.getElementById('player-title').textContent;") == f"Holiday {tag}"

        listed = API(server.base).query("videos.getVideos", {"query": f"holiday {tag}"})["videos"]
        assert len(listed) == 1 and listed[0]["durationMs"] == 20_000
        video_id = listed[0]["id"]
        stored = Path(server.data) / "videos" / video_id / "video.webm"
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == hashlib.sha256(data).hexdigest()

        src = page.script("return document.getElementById('player-video').src;")
        assert src.startswith(f"{server.base}/videos/{video_id}/file")
        # Chromium reads the WebM's header and duration through range requests.
        duration = await until(lambda: page.script(
            "const v = document.getElementById('player-video'); return v.readyState >= 1 && v.duration;"),
            10, "the player's metadata")
        assert abs(duration - 20) < 1, duration

        page.click("#player-like")
        await until(lambda: "Liked" in page.script("return document.getElementById('player-like').textContent;"),
                    5, "the like")
        page.fill("comment-body", "what a view")
        page.click("#comment-send")
        await until(lambda: "what a view" in page.script("return document.getElementById('player-comments').textContent;"),
                    5, "the comment")
        video = API(server.base).query("videos.getVideo", {"videoId": video_id})["video"]
        assert video["likeCount"] == 1 and video["commentCount"] == 1

    try:
        run(scenario(), timeout=120)
    finally:
        page.close()
