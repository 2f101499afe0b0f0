"""Kept chat and gifts through the real server: an aiortc viewer on a `chat` data channel and a
WebSocket-only viewer see the same `new_message` sequence, whether lines come from
`chat.sendMessage` or the data channel; history arrives on (re)connect; deletions reach both and
leave history; a muted user is refused; gifts move coins through the ledger, are idempotent by
key, and reach the room as `gift_animation` with a combo streak."""
import asyncio
import json
import secrets
import subprocess

import websockets

from conftest import SERVER_BIN
from room_socket import RoomWatcher
from trpc import API, TRPCFailure


class SocketViewer:
    """A member on /rtc only: no peer connection, so everything comes on the socket."""

    def __init__(self, base: str, token: str):
        self.url = f"ws://{base.removeprefix('http://')}/rtc?token={token}"
        self.messages: list[dict] = []
        self._ws = None
        self._task = None

    async def start(self):
        self._ws = await websockets.connect(self.url)
        await self._ws.send(json.dumps({"type": "join", "id": "j"}))
        self._task = asyncio.create_task(self._read())
        await self.wait(lambda m: m["type"] == "joined")

    async def _read(self):
        try:
            async for text in self._ws:
                self.messages.append(json.loads(text))
        except websockets.ConnectionClosed:
            pass

    async def wait(self, predicate, timeout: float = 10.0) -> dict:
        for _ in range(int(timeout / 0.05)):
            for m in self.messages:
                try:
                    if predicate(m):
                        return m
                except KeyError:
                    continue
            await asyncio.sleep(0.05)
        raise AssertionError(f"no such message within {timeout} s; got {self.messages}")

    async def close(self):
        if self._ws is not None:
            await self._ws.close()
        if self._task is not None:
            await self._task


def lines(messages) -> list[tuple[int, str]]:
    return [(m["id"], m["text"]) for m in messages if isinstance(m, dict) and m.get("type") == "new_message"]


def refused(call) -> TRPCFailure:
    try:
        call()
    except TRPCFailure as e:
        return e
    raise AssertionError("the call succeeded")


def test_chat_is_kept_ordered_moderated_and_the_same_on_both_transports(server, run):
    api = API(server.base)
    tag = secrets.token_hex(3)
    host, dc_user, ws_user, talker = (api.register(f"{n}{tag}") for n in ("host", "dcv", "wsv", "talk"))
    session = host.api.mutate("streaming.createSession", {"title": "Chat"})["session"]["id"]
    tokens = {a: a.api.mutate("streaming.joinSession", {"sessionId": session})["roomToken"] for a in (dc_user, ws_user)}

    async def scenario():
        dc = RoomWatcher(server.base, tokens[dc_user], chat=True)
        ws = SocketViewer(server.base, tokens[ws_user])
        try:
            await dc.start()
            await ws.start()
            await asyncio.wait_for(dc.chat_open.wait(), 10)
            history = await dc.wait_chat(lambda m: m["type"] == "chat_history")
            assert history["messages"] == []
            # Interleaved: the data channel and the API, without waiting in between.
            for i in range(3):
                dc.chat.send(f"dc {i} ✓")
                await asyncio.to_thread(talker.api.mutate, "chat.sendMessage", {"sessionId": session, "text": f"api {i} 🎉"})
            for _ in range(200):
                if len(lines(dc.chat_messages)) >= 6 and len(lines(ws.messages)) >= 6:
                    break
                await asyncio.sleep(0.05)
            at_dc, at_ws = lines(dc.chat_messages), lines(ws.messages)
            assert len(at_dc) == 6 and at_dc == at_ws, (at_dc, at_ws)
            assert [i for i, _ in at_dc] == sorted(i for i, _ in at_dc)
            kept = talker.api.query("chat.getMessages", {"sessionId": session})
            assert [(m["id"], m["text"]) for m in kept["messages"]] == at_dc
            first = next(m for m in ws.messages if m.get("text") == "api 0 🎉")
            assert first["author"] == talker.id and first["role"] == "viewer" and first["kind"] == "text"

            # A retried clientMessageId posts once.
            once = talker.api.mutate("chat.sendMessage", {"sessionId": session, "text": "once", "clientMessageId": "c1"})
            again = talker.api.mutate("chat.sendMessage", {"sessionId": session, "text": "once", "clientMessageId": "c1"})
            assert once["id"] == again["id"]

            # The host deletes a line: both hear it, history forgets it.
            doomed = at_dc[1][0]
            host.api.mutate("chat.deleteMessage", {"messageId": doomed})
            await dc.wait_chat(lambda m: m["type"] == "message_deleted" and m["id"] == doomed)
            await ws.wait(lambda m: m["type"] == "message_deleted" and m["id"] == doomed)
            kept = talker.api.query("chat.getMessages", {"sessionId": session})
            assert doomed not in [m["id"] for m in kept["messages"]]
            assert refused(lambda: talker.api.mutate("chat.deleteMessage", {"messageId": at_dc[0][0]})).code == "FORBIDDEN"

            # A muted user is refused with a clear code; nobody sees the line; others go on.
            host.api.mutate("chat.muteUser", {"sessionId": session, "userId": talker.id, "seconds": 60})
            muted = refused(lambda: talker.api.mutate("chat.sendMessage", {"sessionId": session, "text": "hidden"}))
            assert muted.code == "FORBIDDEN" and "muted" in muted.envelope["error"]["message"], muted.envelope
            dc.chat.send("after the mute")
            await ws.wait(lambda m: m.get("text") == "after the mute")
            assert "hidden" not in [t for _, t in lines(ws.messages)] + [t for _, t in lines(dc.chat_messages)]

            # Reconnecting brings the latest lines back, without the deleted one.
            await ws.close()
            again_ws = SocketViewer(server.base, tokens[ws_user])
            await again_ws.start()
            replay = await again_ws.wait(lambda m: m["type"] == "chat_history")
            texts = [m["text"] for m in replay["messages"]]
            assert texts[-1] == "after the mute" and at_dc[1][1] not in texts and at_dc[0][1] in texts, texts
            await again_ws.close()
        finally:
            await dc.close()
            await ws.close()

    run(scenario(), timeout=90)


def test_gifts_move_coins_once_and_reach_the_room(server, run):
    api = API(server.base)
    tag = secrets.token_hex(3)
    admin, host, fan, guest = (api.register(f"{n}{tag}") for n in ("admin", "ghost", "fan", "guest"))
    subprocess.run([str(SERVER_BIN), "admin", "grant", admin.user["username"], "--data-dir", server.data],
                   check=True, capture_output=True, env=server.env, timeout=30)
    catalog = api.query("gifts.getAvailableGifts")["gifts"]
    tiers = {g["tier"] for g in catalog}
    assert len(catalog) >= 9 and tiers == {"common", "rare", "legendary"}, catalog
    rose = next(g for g in catalog if g["tier"] == "common" and g["canCombo"])
    legendary = max(catalog, key=lambda g: g["priceCoins"])

    assert refused(lambda: fan.api.mutate("gifts.addCoins", {"userId": fan.id, "amount": 100,
                                                             "idempotencyKey": "self"})).code == "FORBIDDEN"
    granted = admin.api.mutate("gifts.addCoins", {"userId": fan.id, "amount": 1000, "idempotencyKey": f"buy-{tag}"})
    again = admin.api.mutate("gifts.addCoins", {"userId": fan.id, "amount": 1000, "idempotencyKey": f"buy-{tag}"})
    assert granted["balance"] == 1000 and again["purchaseId"] == granted["purchaseId"] and again["replayed"]
    assert fan.api.query("gifts.getUserBalance") == {"coins": 1000, "diamonds": 0}

    session = host.api.mutate("streaming.createSession", {"title": "Gifts"})["session"]["id"]
    token = fan.api.mutate("streaming.joinSession", {"sessionId": session})["roomToken"]

    async def scenario():
        watcher = SocketViewer(server.base, host.api.mutate("streaming.joinSession", {"sessionId": session})["roomToken"])
        await watcher.start()
        fan_dc = RoomWatcher(server.base, token, chat=True)
        await fan_dc.start()
        await asyncio.wait_for(fan_dc.chat_open.wait(), 10)
        try:
            sent = []
            for i in range(3):
                sent.append(await asyncio.to_thread(fan.api.mutate, "gifts.sendGift", {
                    "sessionId": session, "giftId": rose["id"], "count": 2, "idempotencyKey": f"g{i}-{tag}"}))
            animations = []
            for i in range(3):
                animations.append(await watcher.wait(
                    lambda m, t=sent[i]["transaction"]["id"]: m["type"] == "gift_animation" and m["transactionId"] == t))
            assert [a["combo"] for a in animations] == [1, 2, 3], animations
            assert animations[0]["sender"]["id"] == fan.id and animations[0]["recipient"]["id"] == host.id
            assert animations[0]["count"] == 2 and animations[0]["totalCoins"] == 2 * rose["priceCoins"]
            await fan_dc.wait_chat(lambda m: m["type"] == "gift_animation" and m["combo"] == 3)
            gift_line = await watcher.wait(lambda m: m.get("kind") == "gift")
            assert gift_line["author"] == fan.id

            spent = 6 * rose["priceCoins"]
            assert sent[-1]["balance"]["coins"] == 1000 - spent
            # The same key again: the first answer, nothing moves; other input: CONFLICT.
            replay = fan.api.mutate("gifts.sendGift", {"sessionId": session, "giftId": rose["id"], "count": 2,
                                                       "idempotencyKey": f"g0-{tag}"})
            assert replay["transaction"]["id"] == sent[0]["transaction"]["id"] and replay["replayed"]
            conflict = refused(lambda: fan.api.mutate("gifts.sendGift", {
                "sessionId": session, "giftId": rose["id"], "count": 3, "idempotencyKey": f"g0-{tag}"}))
            assert conflict.code == "CONFLICT"
            poor = refused(lambda: fan.api.mutate("gifts.sendGift", {
                "sessionId": session, "giftId": legendary["id"], "idempotencyKey": f"big-{tag}"}))
            assert poor.code == "PRECONDITION_FAILED" and "coins" in poor.envelope["error"]["message"]
            self_gift = refused(lambda: host.api.mutate("gifts.sendGift", {
                "sessionId": session, "giftId": rose["id"], "idempotencyKey": f"self-{tag}"}))
            assert self_gift.code in ("BAD_REQUEST", "PRECONDITION_FAILED")
            off_stage = refused(lambda: fan.api.mutate("gifts.sendGift", {
                "sessionId": session, "giftId": rose["id"], "recipientId": guest.id, "idempotencyKey": f"off-{tag}"}))
            assert off_stage.code == "BAD_REQUEST"
            assert fan.api.query("gifts.getUserBalance")["coins"] == 1000 - spent

            earned = host.api.query("gifts.getUserBalance")["diamonds"]
            assert 0 < earned <= spent
            board = api.query("gifts.getLeaderboard", {"sessionId": session, "period": "session"})
            assert board["gifters"][0]["userId"] == fan.id and board["gifters"][0]["amount"] == spent
            assert board["earners"][0]["userId"] == host.id and board["earners"][0]["amount"] == earned
            history = fan.api.query("gifts.getUserTransactions")["transactions"]
            assert [t["kind"] for t in history[:4]] == ["gift", "gift", "gift", "purchase"], history
        finally:
            await fan_dc.close()
            await watcher.close()

    run(scenario(), timeout=60)
    report = host.api.mutate("streaming.endSession", {"sessionId": session})["report"]
    assert report["gifts"] == 6 and report["giftCoins"] == 6 * rose["priceCoins"], report
