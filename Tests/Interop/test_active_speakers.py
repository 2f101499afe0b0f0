"""Active speakers from the far side: two aiortc guests on stage, one sending a tone and one
silence (aiortc writes the RFC 6464 level it measures), then swapping; a viewer on /rtc must be told
who speaks, within a second of each swap, and never more than four times a second."""
import asyncio
import time

from peers import Publisher
from room_socket import RoomWatcher


def test_active_speakers_name_who_speaks_within_a_second_of_each_swap(server, run):
    room = "speakers"

    async def scenario():
        a = Publisher(server.base, room, server.token(room, "guest-a", "guest"))
        b = Publisher(server.base, room, server.token(room, "guest-b", "guest"), video_offset=16384)
        b.audio.gain = 0.0
        await a.start()
        await b.start()
        watcher = RoomWatcher(server.base, server.token(room, "listener", "viewer"))
        await watcher.start()
        try:
            async def first_speaker_becomes(name, since, timeout):
                deadline = time.monotonic() + timeout
                while time.monotonic() < deadline:
                    for e in watcher.events:
                        if e.get("type") != "active_speakers" or e["_at"] < since:
                            continue
                        if [s["user"] for s in e["speakers"]][:1] == [name]:
                            return e["_at"] - since
                    await asyncio.sleep(0.02)
                return None

            start = time.monotonic()
            first = await first_speaker_becomes("guest-a", start, 10.0)
            latencies = []
            for speaker, silent, name in [(b, a, "guest-b"), (a, b, "guest-a"), (b, a, "guest-b")]:
                await asyncio.sleep(2.0)
                speaker.audio.gain, silent.audio.gain = 1.0, 0.0
                latencies.append(await first_speaker_becomes(name, time.monotonic(), 3.0))
            lists = [(e["_at"], [s["user"] for s in e["speakers"]]) for e in watcher.events
                     if e.get("type") == "active_speakers"]
            return first, latencies, lists
        finally:
            await watcher.close()
            await a.close()
            await b.close()

    first, latencies, lists = run(scenario(), timeout=60)
    print(f"first named after {first} s; swaps named after {latencies} s; {len(lists)} active_speakers events")
    assert first is not None, f"guest-a never named: {lists}"
    assert all(l is not None and l <= 1.0 for l in latencies), f"swap latencies {latencies}; events {lists}"
    times = [t for t, _ in lists]
    busiest = max(sum(1 for u in times if t <= u < t + 1.0) for t in times)
    assert busiest <= 4, f"{busiest} active_speakers events within one second"
