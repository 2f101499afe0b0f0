"""Who may do what in a live session, through the real server: private sessions admit only the
host's followers and invited users, viewers can never publish (WHIP 403, WebSocket error), and a
kicked user stays out; errors arrive in tRPC's envelope with the right code."""
import asyncio
import json
import secrets

import websockets

from peers import Publisher
from trpc import API, TRPCFailure


def failure(call) -> TRPCFailure:
    try:
        call()
    except TRPCFailure as e:
        return e
    raise AssertionError("the call succeeded")


def test_private_sessions_admit_followers_and_invited_users_only(server):
    api = API(server.base)
    tag = secrets.token_hex(3)
    host, fan, stranger, invited = (api.register(f"{n}{tag}") for n in ("host", "fan", "stranger", "invited"))
    fan.api.mutate("users.follow", {"userId": host.id})
    session = host.api.mutate("streaming.createSession", {"title": "Private", "isPrivate": True})["session"]

    refused = failure(lambda: stranger.api.mutate("streaming.joinSession", {"sessionId": session["id"]}))
    assert refused.status == 403 and refused.code == "FORBIDDEN", refused.envelope
    assert fan.api.mutate("streaming.joinSession", {"sessionId": session["id"]})["role"] == "viewer"
    host.api.mutate("streaming.inviteGuest", {"sessionId": session["id"], "userId": invited.id})
    assert invited.api.mutate("streaming.joinSession", {"sessionId": session["id"]})["role"] == "viewer"

    def listed(account):
        return any(s["id"] == session["id"] for s in account.api.query("streaming.getActiveSessions", {"limit": 100})["sessions"])
    assert listed(host) and listed(fan) and listed(invited)
    assert not listed(stranger)
    assert not any(s["id"] == session["id"] for s in api.query("streaming.getActiveSessions", {"limit": 100})["sessions"])
    host.api.mutate("streaming.endSession", {"sessionId": session["id"]})


def test_viewers_cannot_publish_by_whip_or_websocket(server, run):
    api = API(server.base)
    tag = secrets.token_hex(3)
    host, viewer = api.register(f"host{tag}"), api.register(f"viewer{tag}")
    session = host.api.mutate("streaming.createSession", {"title": "No stage invasions"})["session"]
    token = viewer.api.mutate("streaming.joinSession", {"sessionId": session["id"]})["roomToken"]

    async def attempts():
        pub = Publisher(server.base, session["id"], token)
        whip = await pub.start(expect_status=403)
        await pub.close()
        async with websockets.connect(f"ws://127.0.0.1:{server.http_port}/rtc?token={token}") as ws:
            await ws.send(json.dumps({"type": "join"}))
            assert json.loads(await ws.recv())["type"] == "joined"
            sender = Publisher(server.base, session["id"], token)
            sender.pc.addTransceiver(sender.video, direction="sendonly")
            await sender.pc.setLocalDescription(await sender.pc.createOffer())
            await ws.send(json.dumps({"type": "offer", "id": "o", "sdp": sender.pc.localDescription.sdp}))
            reply = json.loads(await ws.recv())
            while reply["type"] != "error" and reply.get("id") != "o":  # room events come first
                reply = json.loads(await ws.recv())
            await sender.pc.close()
        return whip, reply

    whip, reply = run(attempts(), timeout=30)
    assert whip == 403
    assert reply["type"] == "error" and reply["code"] == "forbidden", reply
    host.api.mutate("streaming.endSession", {"sessionId": session["id"]})


def test_a_kicked_user_stays_out(server, run):
    api = API(server.base)
    tag = secrets.token_hex(3)
    host, pest = api.register(f"host{tag}"), api.register(f"pest{tag}")
    session = host.api.mutate("streaming.createSession", {"title": "Moderated"})["session"]
    token = pest.api.mutate("streaming.joinSession", {"sessionId": session["id"]})["roomToken"]

    async def kicked():
        async with websockets.connect(f"ws://127.0.0.1:{server.http_port}/rtc?token={token}") as ws:
            await ws.send(json.dumps({"type": "join"}))
            assert json.loads(await ws.recv())["type"] == "joined"
            await asyncio.to_thread(host.api.mutate, "streaming.kick", {"sessionId": session["id"], "userId": pest.id})
            messages = []
            try:
                async for text in ws:
                    messages.append(json.loads(text))
            except websockets.ConnectionClosed:
                pass
            code = ws.close_code
        async with websockets.connect(f"ws://127.0.0.1:{server.http_port}/rtc?token={token}") as ws:
            await ws.send(json.dumps({"type": "join"}))
            rejoin = json.loads(await ws.recv())
        return messages, code, rejoin

    messages, code, rejoin = run(kicked(), timeout=30)
    assert {"type": "closed", "reason": "kicked"} in messages, messages
    assert code == 1008
    assert rejoin["type"] == "error" and rejoin["code"] == "forbidden", rejoin
    again = failure(lambda: pest.api.mutate("streaming.joinSession", {"sessionId": session["id"]}))
    assert again.code == "FORBIDDEN", again.envelope
    host.api.mutate("streaming.endSession", {"sessionId": session["id"]})


def test_only_the_host_moderates_and_ended_sessions_cannot_be_joined(server):
    api = API(server.base)
    tag = secrets.token_hex(3)
    host, other = api.register(f"host{tag}"), api.register(f"other{tag}")
    session = host.api.mutate("streaming.createSession", {"title": "Mine"})["session"]
    for name, payload in [("streaming.endSession", {"sessionId": session["id"]}),
                          ("streaming.kick", {"sessionId": session["id"], "userId": host.id}),
                          ("streaming.inviteGuest", {"sessionId": session["id"], "userId": other.id}),
                          ("streaming.muteTrack", {"sessionId": session["id"], "userId": host.id, "kind": "audio"})]:
        refused = failure(lambda: other.api.mutate(name, payload))
        assert refused.code == "FORBIDDEN", (name, refused.envelope)
    second = failure(lambda: host.api.mutate("streaming.createSession", {"title": "Twice"}))
    assert second.code == "CONFLICT", second.envelope
    host.api.mutate("streaming.endSession", {"sessionId": session["id"]})
    late = failure(lambda: other.api.mutate("streaming.joinSession", {"sessionId": session["id"]}))
    assert late.code == "NOT_FOUND", late.envelope
    missing = failure(lambda: API(server.base).mutate("streaming.createSession", {"title": "anon"}))
    assert missing.status == 401 and missing.code == "UNAUTHORIZED"
    bad = failure(lambda: host.api.mutate("streaming.createSession", {"title": 5}))
    assert bad.code == "BAD_REQUEST" and "title" in bad.envelope["error"]["message"], bad.envelope


def test_user_tokens_and_room_tokens_do_not_cross(server, run):
    """Both kinds are signed with the server's key; each door takes only its own kind."""
    api = API(server.base)
    host = api.register(f"host{secrets.token_hex(3)}")
    created = host.api.mutate("streaming.createSession", {"title": "Right key, wrong door"})
    room = created["session"]["id"]
    user_token = host.api.token

    async def media_doors():
        pub = Publisher(server.base, room, user_token)
        whip = await pub.start(expect_status=401)
        await pub.close()
        async with websockets.connect(f"ws://127.0.0.1:{server.http_port}/rtc") as ws:
            await ws.send(json.dumps({"type": "join", "token": user_token}))
            reply = json.loads(await ws.recv())
        return whip, reply

    whip, reply = run(media_doors(), timeout=30)
    assert whip == 401
    assert reply["type"] == "error" and reply["code"] == "unauthorized", reply
    with_room_token = api.as_user(created["roomToken"])
    refused = failure(lambda: with_room_token.mutate("streaming.endSession", {"sessionId": room}))
    assert refused.status == 401 and refused.code == "UNAUTHORIZED", refused.envelope
    assert any(s["id"] == room for s in api.query("streaming.getActiveSessions", {"limit": 100})["sessions"])
    host.api.mutate("streaming.endSession", {"sessionId": room})
