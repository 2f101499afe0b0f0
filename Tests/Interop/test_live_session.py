"""A whole live session through the control API and the real media plane: accounts, a host going
live, a viewer watching, a guest invited to co-host, the host muting the guest and ending the
session — with every media claim checked from the aiortc viewer's own decoder."""
import asyncio
import secrets
import time

from peers import Publisher
from room_socket import RoomWatcher
from trpc import API

GUEST = 1 << 15  # the guest's frame indices start here; the host's stay below


def is_host(index: int) -> bool:
    return 0 <= index < GUEST


def is_guest(index: int) -> bool:
    return index >= GUEST


def test_host_guest_and_viewer_through_a_whole_session(server, run):
    api = API(server.base)
    tag = secrets.token_hex(3)
    host = api.register(f"host{tag}")
    guest = api.register(f"guest{tag}")
    viewer = api.register(f"viewer{tag}")

    async def scenario():
        created = host.api.mutate("streaming.createSession", {"title": "Evening live", "category": "music"})
        session = created["session"]
        room = session["id"]
        host_pub = Publisher(server.base, room, created["roomToken"])
        await host_pub.start()
        began = time.monotonic()

        joined = viewer.api.mutate("streaming.joinSession", {"sessionId": room})
        assert joined["role"] == "viewer"
        watcher = RoomWatcher(server.base, joined["roomToken"], chat=True)
        await watcher.start()
        viewer_joined_at = time.monotonic()
        await asyncio.sleep(3.0)
        host_frames = watcher.count(is_host)
        assert host_frames >= 30, f"viewer decoded {host_frames} host frames in 3 s"
        live = api.query("streaming.getActiveSessions", {"limit": 50})["sessions"]
        mine = next(s for s in live if s["id"] == room)
        assert mine["viewerCount"] == 1 and mine["guestCount"] == 0, mine
        metrics = server.metrics()
        assert metrics['chobi_api_calls_total{procedure="streaming.joinSession",code="OK"}'] >= 1, metrics
        assert metrics['chobi_api_call_duration_seconds_count{procedure="streaming.createSession"}'] >= 1, metrics
        assert metrics['chobi_room_users{role="viewer"}'] >= 1 and metrics['chobi_room_users{role="host"}'] >= 1, metrics

        # Co-hosting: invite, accept, publish; the viewer decodes both.
        host.api.mutate("streaming.inviteGuest", {"sessionId": room, "userId": guest.id})
        accepted = guest.api.mutate("streaming.respondToInvite", {"sessionId": room, "accept": True})
        assert accepted["role"] == "guest"
        guest_pub = Publisher(server.base, room, accepted["roomToken"], video_offset=GUEST)
        await guest_pub.start()
        await watcher.wait_event("guest_joined")
        await asyncio.sleep(4.0)
        both_from = time.monotonic() - 2.0
        guest_frames = watcher.count(is_guest, since=both_from)
        host_recent = watcher.count(is_host, since=both_from)
        assert guest_frames >= 20 and host_recent >= 20, \
            f"last 2 s: guest {guest_frames}, host {host_recent} frames decoded"

        # The host mutes the guest's video: the viewer hears it and the guest's frames stop.
        host.api.mutate("streaming.muteTrack", {"sessionId": room, "userId": guest.id, "kind": "video"})
        muted = await watcher.wait_event("track_muted")
        assert muted["user"] == guest.id and muted["kind"] == "video" and muted["muted"] is True, muted
        await asyncio.sleep(1.0)  # frames in flight
        quiet_from = time.monotonic()
        await asyncio.sleep(2.5)
        after_mute = watcher.count(is_guest, since=quiet_from)
        host_after = watcher.count(is_host, since=quiet_from)
        assert after_mute == 0, f"{after_mute} guest frames decoded after the mute"
        assert host_after >= 30, f"host frames kept coming after the mute: {host_after}"

        # The viewer chats over its data channel; each line comes back from the relay (so it was
        # counted). The last ones just before the end count too.
        await asyncio.wait_for(watcher.chat_open.wait(), 10)
        for i in range(5):
            watcher.chat.send(f"line {i}")
            if i in (2, 4):
                await watcher.wait_chat(lambda m, i=i: m["text"] == f"line {i}")
        lines = [m for m in watcher.chat_messages if isinstance(m, dict) and m.get("type") == "new_message"]
        assert [m["text"] for m in lines] == [f"line {i}" for i in range(5)], watcher.chat_messages
        assert [m["id"] for m in lines] == sorted(m["id"] for m in lines)
        # The channel's first message was the (empty) history of this session.
        assert watcher.chat_messages[0] == {"type": "chat_history", "messages": []}, watcher.chat_messages[0]
        chatted = len(lines)

        # The host ends the session: the viewer gets session_ended, media stops, the report adds up.
        ended_at = time.monotonic()
        report = host.api.mutate("streaming.endSession", {"sessionId": room})["report"]
        event = await watcher.wait_event("session_ended")
        await asyncio.wait_for(watcher.socket_closed.wait(), 5)
        await asyncio.sleep(1.0)
        stopped_from = time.monotonic()
        await asyncio.sleep(1.5)
        assert watcher.count(lambda i: True, since=stopped_from) == 0, "frames after the session ended"

        watched = ended_at - viewer_joined_at
        duration = ended_at - began
        await watcher.close()
        await host_pub.close()
        await guest_pub.close()
        return report, event, watched, duration

    report, event, watched, duration = run(scenario(), timeout=90)
    print(f"report {report}; watched {watched:.1f} s of {duration:.1f} s")
    assert event["report"]["uniqueViewers"] == 1
    assert report["uniqueViewers"] == 1
    assert report["peakViewers"] == 1
    assert report["guests"] == 1
    assert report["messages"] == 5 and event["report"]["messages"] == 5, (report, event["report"])
    assert report["gifts"] == 0
    assert abs(report["durationSeconds"] - duration) < 3.0, (report, duration)
    assert abs(report["totalWatchSeconds"] - watched) < 3.0, (report, watched)
    assert abs(report["averageWatchSeconds"] - watched) < 3.0, (report, watched)
    again = host.api.query("streaming.getSessionReport", {"sessionId": report["sessionId"]})
    assert again == report
