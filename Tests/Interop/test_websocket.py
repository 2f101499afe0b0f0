"""Two aiortc peers on the /rtc WebSocket protocol (docs/signaling.md): each publishes, the server
renegotiates to send each the other's tracks, and each decodes what the other sends."""
import asyncio
import json

import websockets
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

from peers import IndexedVideoTrack, ToneAudioTrack


class SocketPeer:
    def __init__(self, server, room: str, user: str, role: str):
        self.url = f"ws://127.0.0.1:{server.http_port}/rtc?token={server.token(room, user, role)}"
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.video_frames = 0
        self.audio_frames = 0
        self.server_offers = 0
        self.events: list[str] = []
        self.joined = None
        self._tasks = []

        @self.pc.on("track")
        def on_track(track):
            self._tasks.append(asyncio.ensure_future(self._consume(track)))

    async def _consume(self, track):
        while True:
            try:
                await track.recv()
            except Exception:
                return
            if track.kind == "video":
                self.video_frames += 1
            else:
                self.audio_frames += 1

    async def run(self, duration: float, ready: asyncio.Event | None = None):
        async with websockets.connect(self.url, max_size=2**16) as ws:
            await ws.send(json.dumps({"type": "join", "id": "j"}))
            self.joined = json.loads(await ws.recv())
            assert self.joined["type"] == "joined", self.joined
            self.pc.addTransceiver(IndexedVideoTrack(), direction="sendonly")
            self.pc.addTransceiver(ToneAudioTrack(), direction="sendonly")
            await self.pc.setLocalDescription(await self.pc.createOffer())
            await ws.send(json.dumps({"type": "offer", "id": "o", "sdp": self.pc.localDescription.sdp}))
            if ready:
                ready.set()
            end = asyncio.get_running_loop().time() + duration
            while (left := end - asyncio.get_running_loop().time()) > 0:
                try:
                    msg = json.loads(await asyncio.wait_for(ws.recv(), left))
                except asyncio.TimeoutError:
                    break
                self.events.append(msg["type"])
                if msg["type"] == "answer":
                    await self.pc.setRemoteDescription(RTCSessionDescription(msg["sdp"], "answer"))
                elif msg["type"] == "offer":
                    self.server_offers += 1
                    await self.pc.setRemoteDescription(RTCSessionDescription(msg["sdp"], "offer"))
                    await self.pc.setLocalDescription(await self.pc.createAnswer())
                    await ws.send(json.dumps({"type": "answer", "sdp": self.pc.localDescription.sdp}))
                elif msg["type"] == "error":
                    raise AssertionError(f"server error: {msg}")
            await ws.send(json.dumps({"type": "leave"}))
        for t in self._tasks:
            t.cancel()
        await self.pc.close()


def test_host_and_guest_on_the_websocket_decode_each_other(server, run):
    room = "ws-cohost"

    async def scenario():
        host = SocketPeer(server, room, "host-ws", "host")
        guest = SocketPeer(server, room, "guest-ws", "guest")
        host_ready = asyncio.Event()
        host_task = asyncio.ensure_future(host.run(14.0, host_ready))
        await host_ready.wait()
        await asyncio.sleep(1.0)
        await guest.run(11.0)
        await host_task
        return host, guest

    host, guest = run(scenario(), timeout=60)
    print(f"host: {host.server_offers} server offers, decoded {host.video_frames} video / "
          f"{host.audio_frames} audio frames of the guest; guest: {guest.server_offers} offers, "
          f"decoded {guest.video_frames} video / {guest.audio_frames} audio frames of the host")
    assert "connected" in host.events and "connected" in guest.events
    assert "participant_joined" in host.events
    assert host.server_offers >= 1 and guest.server_offers >= 1
    assert guest.video_frames >= 200, f"guest decoded {guest.video_frames} frames of the host in ~10 s"
    assert host.video_frames >= 200, f"host decoded {host.video_frames} frames of the guest in ~10 s"
    assert guest.audio_frames >= 300 and host.audio_frames >= 300
