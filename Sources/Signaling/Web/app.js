'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const chobi = { pc: null, state: 'idle', lastError: null, resource: null, mode: null, stream: null,
                  simulcast: new URLSearchParams(window.location.search).get('simulcast') === '1' };
  window.chobi = chobi;

  // How a local track is sent: video as three simulcast layers (quarter, half and full size,
  // RFC 8853 rids) when the page was opened with simulcast=1, so the SFU can give each viewer
  // the layer its bandwidth carries; everything else as one stream.
  function sendInit(track, stream) {
    const init = { direction: 'sendonly', streams: [stream] };
    if (chobi.simulcast && track.kind === 'video') {
      init.sendEncodings = [
        { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 200000 },
        { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 700000 },
        { rid: 'f', maxBitrate: 2500000 },
      ];
    }
    return init;
  }

  function setState(state) {
    chobi.state = state;
    $('state').textContent = state;
  }

  function setError(error) {
    const message = error ? String((error && error.message) || error) : '';
    chobi.lastError = error ? message : null;
    $('error').textContent = message;
  }

  // Every SDP from the server passes here: a test may set `chobi.remoteFilter` to route the
  // page's media through an impairment relay (it rewrites the candidate's port).
  function remoteSDP(sdp) {
    return typeof chobi.remoteFilter === 'function' ? chobi.remoteFilter(sdp) : sdp;
  }

  function setBusy(busy) {
    $('live').disabled = busy;
    $('watch').disabled = busy;
    $('leave').disabled = !busy;
  }

  function waitForIceGathering(pc, timeoutMs) {
    if (pc.iceGatheringState === 'complete') return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function check() { if (pc.iceGatheringState === 'complete') done(); }
      function done() {
        clearTimeout(timer);
        pc.removeEventListener('icegatheringstatechange', check);
        resolve();
      }
      pc.addEventListener('icegatheringstatechange', check);
    });
  }

  function newPeerConnection() {
    const pc = new RTCPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle' });
    chobi.pc = pc;
    pc.addEventListener('connectionstatechange', () => {
      if (chobi.pc !== pc) return;
      setState(pc.connectionState);
      if (pc.connectionState === 'failed') setError(new Error('connection failed'));
    });
    return pc;
  }

  function credentials() {
    const room = $('room').value.trim();
    const token = $('token').value.trim();
    if (!room) throw new Error('enter a room');
    if (!token) throw new Error('enter a token');
    return { room, token };
  }

  // POST the complete offer to /whip/{room} or /whep/{room}; apply the answer.
  async function exchange(kind, pc) {
    const { room, token } = credentials();
    await pc.setLocalDescription(await pc.createOffer());
    await waitForIceGathering(pc, 3000);
    const response = await fetch('/' + kind + '/' + encodeURIComponent(room), {
      method: 'POST',
      headers: { 'Content-Type': 'application/sdp', 'Authorization': 'Bearer ' + token },
      body: pc.localDescription.sdp,
    });
    const body = await response.text();
    if (response.status !== 201) {
      throw new Error(kind.toUpperCase() + ' ' + response.status + ': ' + body.trim());
    }
    const location = response.headers.get('Location');
    chobi.resource = location ? new URL(location, window.location.href).href : null;
    await pc.setRemoteDescription({ type: 'answer', sdp: remoteSDP(body) });
  }

  async function start(mode, body) {
    if (chobi.pc) return;
    setError(null);
    setBusy(true);
    chobi.mode = mode;
    setState('connecting');
    try {
      await body();
    } catch (error) {
      setError(error);
      await stop(false);
      setState('failed');
    }
  }

  async function stop(sendDelete) {
    const { pc, resource, stream } = chobi;
    chobi.resource = null;
    chobi.stream = null;
    if (sendDelete && resource) {
      try {
        await fetch(resource, { method: 'DELETE', headers: { 'Authorization': 'Bearer ' + $('token').value.trim() } });
      } catch (error) {
        setError(error);
      }
    }
    if (pc) pc.close();
    if (stream) stream.getTracks().forEach((track) => track.stop());
    $('video').srcObject = null;
    chobi.pc = null;
    setBusy(false);
  }

  async function goLive() {
    await start('host', async () => {
      credentials();
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { frameRate: { ideal: 30 } } });
      chobi.stream = stream;
      const video = $('video');
      video.muted = true;
      video.srcObject = stream;
      const pc = newPeerConnection();
      for (const track of stream.getTracks()) {
        pc.addTransceiver(track, sendInit(track, stream));
      }
      await exchange('whip', pc);
    });
  }

  async function watch() {
    await start('watch', async () => {
      credentials();
      const pc = newPeerConnection();
      const remote = new MediaStream();
      pc.addTransceiver('video', { direction: 'recvonly' });
      pc.addTransceiver('audio', { direction: 'recvonly' });
      pc.addEventListener('track', (event) => {
        remote.addTrack(event.track);
        const video = $('video');
        if (video.srcObject !== remote) video.srcObject = remote;
        video.play().catch(() => {});
      });
      await exchange('whep', pc);
    });
  }

  // live.js (the app) shares these, and the state, error and peer connection they keep.
  chobi.kit = { setState, setError, waitForIceGathering, sendInit, remoteSDP };

  $('live').addEventListener('click', goLive);
  $('watch').addEventListener('click', watch);
  $('leave').addEventListener('click', async () => {
    await stop(true);
    setState('closed');
  });
  // Closing the tab ends the session at once instead of waiting for ICE consent to expire.
  window.addEventListener('pagehide', () => {
    if (!chobi.resource) return;
    fetch(chobi.resource, {
      method: 'DELETE', keepalive: true,
      headers: { 'Authorization': 'Bearer ' + $('token').value.trim() },
    }).catch(() => {});
  });

  const params = new URLSearchParams(window.location.search);
  if (params.get('room')) $('room').value = params.get('room');
  if (params.get('token')) $('token').value = params.get('token');
  if (params.get('room') || params.get('token')) $('direct').open = true;
  if (params.get('autostart') === '1') {
    const mode = params.get('mode');
    if (mode === 'host' || mode === 'guest' || mode === 'publish') goLive();
    else if (mode === 'watch' || mode === 'viewer') watch();
  }
})();
