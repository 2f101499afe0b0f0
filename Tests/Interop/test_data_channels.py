"""Data channels and room chat through our SCTP (usrsctp over DTLS), checked from aiortc's own
RTCDataChannel: a host that publishes video and two viewers open a `chat` channel each; what one
sends arrives at everyone, stamped by the server with the sender's identity from its token, while
the viewers keep decoding the host's video. Binary, oversized and too-fast messages are refused."""
import asyncio
import json
import time

import websockets
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

from peers import IndexedVideoTrack
from room_socket import RoomWatcher


class ChatHost(RoomWatcher):
    """A host on /rtc that publishes indexed video and opens the chat channel."""

    async def start(self):
        self._ws = await websockets.connect(self.url, max_size=2**20)
        await self._ws.send(json.dumps({"type": "join", "id": "j"}))
        self.joined = json.loads(await self._ws.recv())
        assert self.joined["type"] == "joined", self.joined
        self.pc.addTransceiver(IndexedVideoTrack(), direction="sendonly")
        await self.pc.setLocalDescription(await self.pc.createOffer())
        await self._ws.send(json.dumps({"type": "offer", "id": "o", "sdp": self.pc.localDescription.sdp}))
        self._tasks.append(asyncio.ensure_future(self._read()))


def test_chat_reaches_everyone_stamped_by_the_server_while_video_flows(server, run):
    room = "dc-chat"

    async def scenario():
        host = ChatHost(server.base, server.token(room, "dc-host", "host", name="Hana Host"), chat=True)
        viewer = RoomWatcher(server.base, server.token(room, "dc-viewer", "viewer", name="Vik"), chat=True)
        other = RoomWatcher(server.base, server.token(room, "dc-other", "viewer"), chat=True)
        try:
            await host.start()
            await asyncio.wait_for(host.chat_open.wait(), 10)
            await viewer.start()
            await other.start()
            await asyncio.wait_for(viewer.chat_open.wait(), 10)
            await asyncio.wait_for(other.chat_open.wait(), 10)

            tricky = 'hello "room" \\ ünïcode ✓ 👩‍👩‍👧‍👦 🇯🇵'
            host.chat.send(tricky)
            at_viewer = await viewer.wait_chat(lambda m: m["text"] == tricky)
            at_other = await other.wait_chat(lambda m: m["text"] == tricky)
            echoed = await host.wait_chat(lambda m: m["text"] == tricky)
            assert at_viewer == at_other == echoed
            assert at_viewer["type"] == "new_message" and at_viewer["author"] == "dc-host"
            assert at_viewer["role"] == "host" and at_viewer["name"] == "Hana Host"
            assert at_viewer["kind"] == "text" and isinstance(at_viewer["id"], int)
            assert isinstance(at_viewer["sentAt"], int)

            viewer.chat.send("hi host")
            from_viewer = await host.wait_chat(lambda m: m["text"] == "hi host")
            assert from_viewer["author"] == "dc-viewer" and from_viewer["role"] == "viewer"
            assert from_viewer["name"] == "Vik"
            assert from_viewer["id"] > at_viewer["id"]
            await other.wait_chat(lambda m: m["text"] == "hi host")
            other.chat.send("no name here")
            anonymous = await host.wait_chat(lambda m: m["text"] == "no name here")
            assert "name" not in anonymous and anonymous["author"] == "dc-other"

            # Refused on the transport: binary, over 4 KiB, blank. Refused by the room's rules,
            # with a chat_error to the sender: over 500 characters, a control character, a bidi
            # override. A good one after them still goes.
            viewer.chat.send(b"\x00\x01binary")
            viewer.chat.send("x" * 4097)
            viewer.chat.send("   ")
            viewer.chat.send("y" * 501)
            viewer.chat.send("two\nlines")
            viewer.chat.send("evil \u202egnp.exe")
            viewer.chat.send("after the refused ones")
            await host.wait_chat(lambda m: m["text"] == "after the refused ones")
            errors = [m for m in viewer.chat_messages if isinstance(m, dict) and m.get("type") == "chat_error"]
            assert [e["code"] for e in errors] == ["too_long", "forbidden_character", "forbidden_character"], errors
            texts = [m.get("text") for m in host.chat_messages if isinstance(m, dict)]
            assert not {"x" * 4097, "   ", "y" * 501, "two\nlines"} & set(texts)
            assert not any(isinstance(m, bytes) for m in host.chat_messages)

            # Too fast: a burst of 40 from one viewer; the bucket lets about its burst (10) through.
            await asyncio.sleep(2.5)  # refill
            for i in range(40):
                other.chat.send(f"flood {i}")
            other.chat.send("flood end")
            await asyncio.sleep(1.5)
            flood = [t for t in (m.get("text", "") for m in host.chat_messages if isinstance(m, dict)) if t.startswith("flood")]
            assert 8 <= len(flood) <= 20, f"{len(flood)} of 41 flood messages relayed"
            numbers = [int(t.split()[1]) for t in flood if t != "flood end"]
            assert numbers == sorted(numbers), f"relayed out of order: {numbers}"

            # Media flowed all along: the viewer decodes the host's video on the same transport.
            since = time.monotonic()
            await asyncio.sleep(1.0)
            decoded = viewer.count(lambda i: True, since=since)
            print(f"viewer decoded {decoded} host frames; flood relayed {len(flood)} of 41; "
                  f"host saw {len(host.chat_messages)} chat messages")
            assert decoded >= 15, f"viewer decoded {decoded} frames in the last second"
        finally:
            for p in (host, viewer, other):
                await p.close()

    run(scenario(), timeout=90)
    metrics = server.metrics()
    assert metrics['chobi_chat_messages_total{outcome="refused"}'] >= 3 + 20
    assert metrics['chobi_chat_messages_total{outcome="relayed"}'] >= 4 + 8


def test_channel_abuse_leaves_chat_and_the_server_working(server, run):
    """One viewer opens 40 more channels (one a second `chat`), floods them with binary and text
    up to 200 kB, closes half of them: nothing of it is relayed, and chat still flows both ways."""
    room = "dc-abuse"

    async def scenario():
        host = ChatHost(server.base, server.token(room, "abuse-host", "host"), chat=True)
        rogue = RoomWatcher(server.base, server.token(room, "abuse-rogue", "viewer"), chat=True)
        extra = [rogue.pc.createDataChannel("chat" if i == 0 else f"junk-{i}", ordered=(i % 2 == 0))
                 for i in range(40)]
        try:
            await host.start()
            await rogue.start()
            await asyncio.wait_for(host.chat_open.wait(), 10)
            await asyncio.wait_for(rogue.chat_open.wait(), 10)
            for i, channel in enumerate(extra):
                for _ in range(100):
                    if channel.readyState == "open":
                        break
                    await asyncio.sleep(0.05)
                assert channel.readyState == "open", f"channel {i} did not open"
            before = server.metrics()['chobi_datachannel_messages_total{outcome="received"}']
            for i, channel in enumerate(extra):
                channel.send(bytes([i]) * (200_000 if i % 10 == 1 else 1_000))
                channel.send(f"not chat {i}")
            for channel in extra[::2]:
                channel.close()
            rogue.chat.send("still chatting")
            heard = await host.wait_chat(lambda m: m["text"] == "still chatting", timeout=20)
            assert heard["author"] == "abuse-rogue"
            host.chat.send("host still here")
            await rogue.wait_chat(lambda m: m["text"] == "host still here")
            relayed = [m.get("text") for m in host.chat_messages if isinstance(m, dict)]
            assert not any(t.startswith("not chat") for t in relayed), relayed
            after = server.metrics()['chobi_datachannel_messages_total{outcome="received"}']
            # Every junk message arrived at the server (and went nowhere).
            assert after - before >= 80, (before, after)
            print(f"abuse: {len(extra)} extra channels, {after - before:.0f} messages received, "
                  f"chat relayed {len(relayed)} lines to the host")
        finally:
            await host.close()
            await rogue.close()

    run(scenario(), timeout=90)
    assert server.alive()
