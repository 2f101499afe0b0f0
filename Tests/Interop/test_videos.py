"""The video library against the release server (issue 16, uploads and library): a 50 MB WebM
upload cut halfway resumes from the stored offset and is stored byte for byte; hostile uploads
are refused with a clear message and leave no file behind; likes, comments, views and search stay
exact under 20 concurrent clients; playback answers byte ranges (206, 416) with the right headers,
and followers-only videos need a follower's token. Every check reads what a client sees (HTTP
answers, tRPC data) and, for "nothing left behind", the server's video directory."""
import concurrent.futures
import hashlib
import http.client
import io
import json
import random
import secrets
import socket
import time
import zipfile
import zlib
from pathlib import Path

import pytest

from conftest import Server
from trpc import API, TRPCFailure
from webm import UNKNOWN, el, header, info, make_webm, simple_block, tracks, uint

MAX_UPLOAD = 100 * 1024 * 1024


@pytest.fixture(scope="module")
def srv():
    s = Server(extra_args=("--rate-per-address", "0", "--rate-per-user", "0",
                           "--max-upload-bytes", str(MAX_UPLOAD)))
    s.start()
    yield s
    s.stop()


def videos_dir(srv: Server) -> Path:
    return Path(srv.data) / "videos"


def request(srv: Server, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", srv.http_port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read()
    finally:
        conn.close()


def put_chunk(srv: Server, token: str, video_id: str, data: bytes, first: int, total: int):
    last = first + len(data) - 1
    return request(srv, "PUT", f"/uploads/{video_id}", data, {
        "Authorization": f"Bearer {token}", "Content-Range": f"bytes {first}-{last}/{total}",
        "Content-Type": "application/octet-stream"})


def stored_offset(srv: Server, token: str, video_id: str) -> int:
    status, headers, _ = request(srv, "HEAD", f"/uploads/{video_id}", headers={"Authorization": f"Bearer {token}"})
    assert status == 200, status
    return int(headers["upload-offset"])


def announce(account, title="clip", **extra) -> dict:
    created = account.api.mutate("videos.uploadVideo", {"title": title, "visibility": "public", **extra})
    assert created["uploadUrl"] == f"/uploads/{created['videoId']}"
    assert created["maxBytes"] == MAX_UPLOAD
    return created


def upload(srv: Server, account, data: bytes, title="clip", **extra) -> tuple[str, int, dict]:
    video_id = announce(account, title, **extra)["videoId"]
    status, _, body = put_chunk(srv, account.api.token, video_id, data, 0, len(data))
    return video_id, status, json.loads(body)


def test_a_50_mb_upload_cut_halfway_resumes_and_is_stored_byte_for_byte(srv):
    api = API(srv.base)
    owner = api.register(f"up{secrets.token_hex(3)}")
    data = make_webm(duration_s=60, frame_bytes=83_000, rng=random.Random(16))
    assert len(data) >= 50_000_000
    digest = hashlib.sha256(data).hexdigest()
    video_id = announce(owner, "Fifty megabytes", description="a long one", tags=["big"])["videoId"]
    total = len(data)

    # Send the headers for the whole file and half the bytes, then drop the connection.
    half = total // 2
    sock = socket.create_connection(("127.0.0.1", srv.http_port))
    sock.sendall((f"PUT /uploads/{video_id} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {owner.api.token}\r\n"
                  f"Content-Range: bytes 0-{total - 1}/{total}\r\nContent-Length: {total}\r\n\r\n").encode())
    view = memoryview(data)
    for at in range(0, half, 1 << 20):
        sock.sendall(view[at:min(half, at + (1 << 20))])
    sock.close()

    # The server keeps what arrived (synced); the client asks where to continue.
    deadline = time.monotonic() + 10
    offset = 0
    while time.monotonic() < deadline:
        offset = stored_offset(srv, owner.api.token, video_id)
        if offset >= half - (1 << 20):
            break
        time.sleep(0.1)
    assert 0 < offset <= half, offset
    partial = videos_dir(srv) / video_id / "upload.part"
    assert partial.stat().st_size >= offset

    # A chunk that does not start at the stored offset is refused, naming the offset.
    status, headers, _ = put_chunk(srv, owner.api.token, video_id, data[offset + 10:offset + 20], offset + 10, total)
    assert status == 409 and int(headers["upload-offset"]) == offset

    # The rest, in two chunks.
    middle = offset + (total - offset) // 2
    status, headers, body = put_chunk(srv, owner.api.token, video_id, data[offset:middle], offset, total)
    assert status == 200 and json.loads(body)["complete"] is False and int(headers["upload-offset"]) == middle
    status, _, body = put_chunk(srv, owner.api.token, video_id, data[middle:], middle, total)
    assert status == 200, body
    done = json.loads(body)
    assert done["complete"] is True
    video = done["video"]
    assert video["status"] == "ready"
    assert video["durationMs"] == 60_000
    assert (video["width"], video["height"], video["videoCodec"], video["audioCodec"]) == (640, 480, "V_VP8", "A_OPUS")
    assert video["bytes"] == total

    stored = videos_dir(srv) / video_id / "video.webm"
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == digest
    assert not partial.exists()
    status, headers, body = request(srv, "GET", f"/videos/{video_id}/file")
    assert status == 200 and hashlib.sha256(body).hexdigest() == digest
    assert headers["content-type"] == "video/webm"

    # Finished: no more bytes are taken.
    status, _, _ = put_chunk(srv, owner.api.token, video_id, b"x", 0, total)
    assert status == 409


def assert_refused(srv: Server, owner, video_id: str, status: int, body: dict, words: str):
    assert status == 422, (status, body)
    assert words in body["error"] and body["error"].startswith("not a playable video"), body
    assert not (videos_dir(srv) / video_id).exists(), "the refused file was removed"
    video = owner.api.query("videos.getVideo", {"videoId": video_id})["video"]
    assert video["status"] == "failed" and words in video["failure"]
    listed = API(srv.base).query("videos.getVideos", {"userId": owner.id})["videos"]
    assert video_id not in [v["id"] for v in listed]


def test_hostile_uploads_are_refused_clearly_and_leave_nothing_behind(srv):
    api = API(srv.base)
    owner = api.register(f"hostile{secrets.token_hex(3)}")
    good = make_webm(duration_s=3, frame_bytes=2000, rng=random.Random(1))

    video_id, status, body = upload(srv, owner, good[: len(good) * 2 // 3], "truncated")
    assert_refused(srv, owner, video_id, status, body, "truncated")

    video_id, status, body = upload(srv, owner, b"Dear diary, today I renamed this to clip.webm.\n" * 200, "text")
    assert_refused(srv, owner, video_id, status, body, "a text file")

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("clip.webm", good)
    video_id, status, body = upload(srv, owner, archive.getvalue(), "zip")
    assert_refused(srv, owner, video_id, status, body, "a ZIP archive")

    # An element claiming 2^56 bytes inside the Segment.
    absurd = header() + el(0x18538067, info(1000.0) + tracks() + bytes([0x1F, 0x43, 0xB6, 0x75])
                           + bytes([0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE]) + b"\x00" * 64)
    video_id, status, body = upload(srv, owner, absurd, "absurd")
    assert_refused(srv, owner, video_id, status, body, "larger than what contains it")

    # An EBML header followed by an invalid element id.
    video_id, status, body = upload(srv, owner, header() + UNKNOWN, "garbage")
    assert status == 422 and not (videos_dir(srv) / video_id).exists()

    # A header claiming 2 GB is refused before any byte is read.
    video_id = announce(owner, "huge")["videoId"]
    sock = socket.create_connection(("127.0.0.1", srv.http_port), timeout=10)
    claimed = 2_000_000_000
    sock.sendall((f"PUT /uploads/{video_id} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {owner.api.token}\r\n"
                  f"Content-Range: bytes 0-{claimed - 1}/{claimed}\r\nContent-Length: {claimed}\r\n\r\n").encode())
    started = time.monotonic()
    answer = b""
    while b"\r\n\r\n" not in answer:
        chunk = sock.recv(4096)
        if not chunk:
            break
        answer += chunk
    sock.close()
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert time.monotonic() - started < 2
    assert not (videos_dir(srv) / video_id).exists()
    video = owner.api.query("videos.getVideo", {"videoId": video_id})["video"]
    assert video["status"] == "failed" and "limit" in video["failure"]

    # Someone else's upload, and no token at all.
    other = api.register(f"other{secrets.token_hex(3)}")
    video_id = announce(owner, "mine")["videoId"]
    assert put_chunk(srv, other.api.token, video_id, good, 0, len(good))[0] == 403
    assert request(srv, "PUT", f"/uploads/{video_id}", good, {"Content-Range": f"bytes 0-{len(good) - 1}/{len(good)}"})[0] == 401
    assert not (videos_dir(srv) / video_id).exists()


def test_likes_comments_views_and_search_are_exact_under_20_concurrent_clients(srv):
    api = API(srv.base)
    tag = secrets.token_hex(3)
    owner = api.register(f"owner{tag}")
    word = f"zebra{tag}"
    video_id, status, body = upload(srv, owner, make_webm(2, 1000, random.Random(2)), f"The {word} dance",
                                    tags=["dance"], category="music")
    assert status == 200, body
    fans = [api.register(f"fan{tag}{i}") for i in range(20)]

    def client(i: int):
        fan = fans[i]
        for _ in range(2):
            fan.api.mutate("videos.like", {"videoId": video_id})
        ids = [fan.api.mutate("videos.addComment", {"videoId": video_id, "body": f"nice {i}/{n}"})["comment"]["id"]
               for n in range(3)]
        fan.api.mutate("videos.deleteComment", {"videoId": video_id, "commentId": ids[0]})
        first = fan.api.mutate("videos.recordView", {"videoId": video_id, "watchedSeconds": 12})
        again = fan.api.mutate("videos.recordView", {"videoId": video_id, "watchedSeconds": 3})
        found = API(srv.base).query("videos.getVideos", {"query": f"{word} dan", "sort": "popular"})["videos"]
        if i < 5:
            fan.api.mutate("videos.unlike", {"videoId": video_id})
        return first["counted"], again["counted"], [v["id"] for v in found]

    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        results = list(pool.map(client, range(20)))
    assert all(first and not again for first, again, _ in results)
    assert all(found == [video_id] for _, _, found in results)
    video = owner.api.query("videos.getVideo", {"videoId": video_id})["video"]
    assert video["likeCount"] == 15
    assert video["commentCount"] == 40
    assert video["viewCount"] == 20
    assert video["watchSeconds"] == 20 * 15
    comments, cursor = [], None
    while True:
        page = API(srv.base).query("videos.getComments", {"videoId": video_id, "limit": 7, **({"cursor": cursor} if cursor else {})})
        comments += page["comments"]
        cursor = page.get("nextCursor")
        if not cursor:
            break
    assert len(comments) == 40 and len({c["id"] for c in comments}) == 40

    # A stranger may not delete a comment; the owner may. The owner was told about comments.
    with pytest.raises(TRPCFailure) as refused:
        fans[0].api.mutate("videos.deleteComment", {"videoId": video_id, "commentId": comments[0]["id"]})
    assert refused.value.code == "FORBIDDEN"
    owner.api.mutate("videos.deleteComment", {"videoId": video_id, "commentId": comments[0]["id"]})
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        kinds = [n["kind"] for n in owner.api.query("notifications.getNotifications", {"limit": 100})["notifications"]]
        if kinds.count("new_comment") >= 60:
            break
        time.sleep(0.2)
    assert kinds.count("new_comment") == 60

    # FTS syntax in the query is matched as words, never parsed.
    for hostile in ['"', "title:x", "NEAR(a b)", "a AND", "*", "(", "' OR 1=1 --"]:
        API(srv.base).query("videos.getVideos", {"query": hostile})
    assert API(srv.base).query("videos.getVideos", {"query": f"{word} OR nothing"})["videos"] == []
    categories = API(srv.base).query("videos.getCategories")["categories"]
    assert {"id": "music", "name": "Music"} in categories
    in_music = API(srv.base).query("videos.getVideos", {"category": "music", "userId": owner.id})["videos"]
    assert [v["id"] for v in in_music] == [video_id]

    owner.api.mutate("videos.deleteVideo", {"videoId": video_id})
    assert not (videos_dir(srv) / video_id).exists()
    assert API(srv.base).query("videos.getVideos", {"query": word})["videos"] == []


def test_byte_range_playback_and_followers_only_access(srv):
    api = API(srv.base)
    tag = secrets.token_hex(3)
    owner, fan, stranger = (api.register(f"{who}{tag}") for who in ("host", "fan", "nobody"))
    fan.api.mutate("users.follow", {"userId": owner.id})
    data = make_webm(4, 5000, random.Random(4))
    video_id, status, body = upload(srv, owner, data, "for fans", visibility="followers")
    assert status == 200, body
    size = len(data)
    path = f"/videos/{video_id}/file"

    assert request(srv, "GET", path)[0] == 401
    assert request(srv, "GET", path, headers={"Authorization": f"Bearer {stranger.api.token}"})[0] == 403
    with pytest.raises(TRPCFailure):
        stranger.api.query("videos.getVideo", {"videoId": video_id})
    assert [v["id"] for v in fan.api.query("videos.getVideos", {"userId": owner.id})["videos"]] == [video_id]
    assert stranger.api.query("videos.getVideos", {"userId": owner.id})["videos"] == []

    auth = f"?token={fan.api.token}"
    status, headers, body = request(srv, "GET", path + auth, headers={"Range": "bytes=100-1099"})
    assert status == 206
    assert headers["content-range"] == f"bytes 100-1099/{size}"
    assert headers["accept-ranges"] == "bytes"
    assert headers["content-type"] == "video/webm"
    assert body == data[100:1100]
    assert "etag" in headers and "last-modified" in headers and "private" in headers["cache-control"]

    status, headers, body = request(srv, "GET", path + auth, headers={"Range": "bytes=-500"})
    assert status == 206 and body == data[-500:]
    status, headers, body = request(srv, "GET", path + auth, headers={"Range": f"bytes={size}-"})
    assert status == 416 and headers["content-range"] == f"bytes */{size}"
    status, headers, body = request(srv, "HEAD", path + auth)
    assert status == 200 and int(headers["content-length"]) == size and body == b""
    status, headers, _ = request(srv, "GET", path + auth, headers={"If-None-Match": headers["etag"]})
    assert status == 304

    # Many range requests at once, as a seeking player makes them.
    def fetch(i: int):
        start = (i * 7919) % (size - 1000)
        s, h, b = request(srv, "GET", path + auth, headers={"Range": f"bytes={start}-{start + 999}"})
        return s == 206 and b == data[start:start + 1000]
    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        assert all(pool.map(fetch, range(100)))
    assert request(srv, "GET", f"/videos/{video_id}/thumbnail{auth}")[0] == 404, "random bytes decode to no picture"


def vp8_keyframe(rgb: tuple[int, int, int]) -> bytes:
    """One real 640x480 VP8 keyframe of a single colour, from libvpx through PyAV (aiortc's)."""
    import fractions

    import av
    import numpy as np
    codec = av.CodecContext.create("libvpx", "w")
    codec.width, codec.height, codec.pix_fmt = 640, 480, "yuv420p"
    codec.time_base = fractions.Fraction(1, 30)
    frame = av.VideoFrame.from_ndarray(np.full((480, 640, 3), rgb, dtype=np.uint8), format="rgb24").reformat(format="yuv420p")
    frame.pts = 0
    packets = codec.encode(frame) + codec.encode(None)
    return bytes(packets[0])


def png_pixels(png: bytes) -> tuple[int, int, bytes]:
    """Width, height and the filtered scanlines of an RGB PNG, every chunk's CRC checked."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    at, idat, width, height = 8, b"", 0, 0
    while at < len(png):
        length = int.from_bytes(png[at:at + 4], "big")
        kind, data = png[at + 4:at + 8], png[at + 8:at + 8 + length]
        assert zlib.crc32(kind + data) == int.from_bytes(png[at + 8 + length:at + 12 + length], "big")
        if kind == b"IHDR":
            width, height = int.from_bytes(data[:4], "big"), int.from_bytes(data[4:8], "big")
            assert data[8:10] == b"\x08\x02"
        if kind == b"IDAT":
            idat += data
        at += 12 + length
    return width, height, zlib.decompress(idat)


def test_an_upload_with_a_real_vp8_keyframe_gets_a_png_thumbnail(srv):
    owner = API(srv.base).register(f"thumb{secrets.token_hex(3)}")
    key = vp8_keyframe((220, 20, 20))
    cluster = el(0x1F43B675, uint(0xE7, 0) + simple_block(1, 0, True, key) + simple_block(2, 0, True, b"\xfc" * 40))
    data = header() + el(0x18538067, info(1000.0) + tracks() + cluster)
    video_id, status, body = upload(srv, owner, data, "red")
    assert status == 200, body
    assert body["video"]["thumbnailUrl"] == f"/videos/{video_id}/thumbnail"
    status, headers, png = request(srv, "GET", f"/videos/{video_id}/thumbnail")
    assert status == 200 and headers["content-type"] == "image/png"
    width, height, raw = png_pixels(png)
    assert (width, height) == (320, 240)
    row = raw[120 * (width * 3 + 1):121 * (width * 3 + 1)]
    assert row[0] == 0
    r, g, b = row[1 + 160 * 3:4 + 160 * 3]
    assert r > 180 and g < 60 and b < 60, (r, g, b)
