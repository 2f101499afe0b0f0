'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const chobi = window.chobi;
  const { setState, setError, waitForIceGathering, sendInit, remoteSDP } = chobi.kit;
  const live = {
    user: null, token: null, sessions: [], nextCursor: null, paged: false,
    session: null, role: null, me: null, ws: null, pc: null, localStream: null,
    participants: new Map(), tracks: new Map(), tiles: new Map(), names: new Map(),
    invitedUsers: new Set(), viewerCount: 0, guestCount: 0, invited: false, followingHost: false,
    awaitingClose: false, reconnects: 0, reconnectTimer: null, peopleTimer: null, report: null, events: [], queue: Promise.resolve(),
    chat: null, chatMessages: [], speakers: [], videoLayers: new Map(), pausedVideo: new Set(),
    gifts: [], balance: null, giftsShown: 0, moderators: new Set(),
  };
  chobi.live = live;

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function button(label, className, action) {
    const node = element('button', className, label);
    node.type = 'button';
    node.addEventListener('click', () => guarded(action));
    return node;
  }

  // Every user action reports its failure on the page instead of an unhandled rejection.
  async function guarded(action) {
    setError(null);
    try {
      await action();
    } catch (error) {
      setError(error);
    }
  }

  function showOnly(section) {
    for (const id of ['account', 'lobby', 'stage', 'report', 'wallet', 'profile', 'analytics', 'videos']) $(id).hidden = id !== section;
  }

  // MARK: the control API (tRPC wire format)

  async function api(name, input, options) {
    const query = options && options.query;
    const headers = {};
    if (live.token) headers['Authorization'] = 'Bearer ' + live.token;
    let response;
    if (query) {
      const search = input === undefined ? '' : '?input=' + encodeURIComponent(JSON.stringify(input));
      response = await fetch('/api/trpc/' + name + search, { headers });
    } else {
      headers['Content-Type'] = 'application/json';
      response = await fetch('/api/trpc/' + name, { method: 'POST', headers, body: JSON.stringify(input || {}) });
    }
    let envelope = null;
    try { envelope = await response.json(); } catch (_) { envelope = null; }
    if (response.ok && envelope && envelope.result) return envelope.result.data;
    const failure = envelope && envelope.error;
    const error = new Error(failure ? failure.message : name + ': HTTP ' + response.status);
    error.code = failure && failure.data ? failure.data.code : null;
    // An expired or revoked user token: sign in again rather than failing every call.
    if (response.status === 401 && live.token && name !== 'users.login') signOut();
    throw error;
  }

  // MARK: account

  function restoreAccount() {
    try {
      const saved = JSON.parse(localStorage.getItem('chobi.account') || 'null');
      if (saved && saved.user && saved.token) {
        live.user = saved.user;
        live.token = saved.token;
      }
    } catch (_) {
      localStorage.removeItem('chobi.account');
    }
  }

  function saveAccount(user, token) {
    live.user = user;
    live.token = token;
    live.names.set(user.id, user.displayName);
    localStorage.setItem('chobi.account', JSON.stringify({ user, token }));
    renderAccount();
  }

  function signOut() {
    if (live.session) leaveRoom();
    live.user = null;
    live.token = null;
    localStorage.removeItem('chobi.account');
    renderAccount();
  }

  function renderAccount() {
    const signedIn = !!live.user;
    // The side systems (social.js) hear of it, but never at the cost of the page's own state.
    try {
      if (typeof chobi.onAccount === 'function') chobi.onAccount(live.user);
    } catch (error) {
      console.warn('account listener failed', error);
    }
    $('whoami').hidden = !signedIn;
    $('whoami-name').textContent = signedIn ? live.user.displayName + ' (@' + live.user.username + ')' : '';
    if (live.session || live.report) return;
    showOnly(signedIn ? 'lobby' : 'account');
    if (signedIn) refreshSessions().catch(setError);
  }

  async function signIn(register) {
    const username = $('username').value.trim();
    const password = $('password').value;
    if (!username || !password) throw new Error('enter a username and a password');
    const input = register
      ? { username, password, displayName: $('display-name').value.trim() || username }
      : { username, password };
    const data = await api(register ? 'users.register' : 'users.login', input);
    $('password').value = '';
    saveAccount(data.user, data.token);
  }

  function displayName(userId) {
    if (live.user && userId === live.user.id) return live.user.displayName + ' (you)';
    const known = live.names.get(userId);
    if (typeof known === 'string') return known;
    if (known === undefined) {
      live.names.set(userId, null);
      api('users.getProfile', { userId }, { query: true })
        .then((profile) => { live.names.set(userId, profile.displayName); schedulePeople(); renderTileLabels(); })
        .catch(() => live.names.set(userId, 'user ' + userId.slice(0, 8)));
    }
    return 'user ' + userId.slice(0, 8);
  }

  // MARK: lobby

  // The first page, refreshed while the lobby is on screen; "More" appends the next pages
  // by cursor (and stops the refresh, which would drop them, until Refresh is pressed).
  async function refreshSessions() {
    if (!live.user) return;
    const data = await api('streaming.getActiveSessions', { limit: 50 }, { query: true });
    live.sessions = data.sessions;
    live.nextCursor = data.nextCursor || null;
    live.paged = false;
    $('sessions').replaceChildren(...data.sessions.map(sessionItem));
    $('no-sessions').hidden = data.sessions.length > 0;
    $('more-sessions').hidden = !live.nextCursor;
  }

  async function moreSessions() {
    if (!live.nextCursor) return;
    const data = await api('streaming.getActiveSessions', { limit: 50, cursor: live.nextCursor }, { query: true });
    live.paged = true;
    live.sessions = live.sessions.concat(data.sessions);
    live.nextCursor = data.nextCursor || null;
    $('sessions').append(...data.sessions.map(sessionItem));
    $('more-sessions').hidden = !live.nextCursor;
  }

  function sessionItem(session) {
    const item = element('li');
    item.dataset.sessionId = session.id;
    item.append(element('span', 'title', session.title + ' · ' + session.host.displayName));
    if (session.isPrivate) item.append(element('span', 'badge private', 'private'));
    item.append(element('span', 'muted-note', session.viewerCount + ' watching · ' + session.guestCount + ' guests'));
    const mine = session.host.id === live.user.id;
    item.append(button(mine ? 'Return as host' : 'Watch', 'secondary small', () => joinSession(session)));
    return item;
  }

  async function goLive() {
    const title = $('session-title').value.trim() || live.user.displayName + ' is live';
    const data = await api('streaming.createSession',
      { title, isPrivate: $('session-private').checked, record: $('session-record').checked });
    live.recording = Boolean(data.recording);
    await enterRoom(data.session, data.roomToken, 'host', { viewerCount: 0, guestCount: 0 });
  }

  async function joinSession(listed) {
    const data = await api('streaming.joinSession', { sessionId: listed.id });
    await enterRoom(data.session, data.roomToken, data.role, listed);
  }

  // MARK: room

  async function enterRoom(session, roomToken, role, counts) {
    if (chobi.pc) throw new Error('already connected: leave first');
    resetRoom();
    live.session = session;
    live.role = role;
    live.viewerCount = counts.viewerCount;
    live.guestCount = counts.guestCount;
    $('stage-title').textContent = session.title;
    showOnly('stage');
    renderRoom();
    showFollow(session.host.id).catch(() => {});
    loadGifts().catch(setError);
    api('chat.getModerators', { sessionId: session.id }, { query: true })
      .then((data) => { live.moderators = new Set(data.moderators); })
      .catch(() => {});
    setState('connecting');
    // The camera first: if it is refused, nothing has been opened on the server yet.
    if (role !== 'viewer') await openCamera();
    connect(roomToken);
  }

  function resetRoom() {
    live.participants.clear();
    live.tracks.clear();
    live.invitedUsers.clear();
    for (const key of [...live.tiles.keys()]) removeTile(key);
    live.invited = false;
    live.awaitingClose = false;
    live.report = null;
    live.me = null;
    live.reconnects = 0;
    clearTimeout(live.reconnectTimer);
    $('invite').hidden = true;
    live.chatMessages = [];
    $('chat-log').replaceChildren();
  }

  function connect(roomToken) {
    const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(scheme + '//' + window.location.host + '/rtc?token=' + encodeURIComponent(roomToken));
    live.ws = ws;
    ws.addEventListener('open', () => send({ type: 'join', id: 'join', protocol: 1 }));
    ws.addEventListener('message', (event) => {
      let message;
      try { message = JSON.parse(event.data); } catch (_) { return; }
      if (live.events.length >= 500) live.events.shift();
      live.events.push(message);
      // One message at a time: an offer must be answered before the next one is applied.
      live.queue = live.queue.then(() => handle(message, ws)).catch(setError);
    });
    ws.addEventListener('close', () => {
      if (live.ws !== ws) return;
      live.ws = null;
      if (live.session && !live.report) {
        closePeer();
        reconnect(roomToken);
      }
    });
  }

  // A socket that drops by itself (network blip, proxy timeout) comes back with the same
  // room token, a few times with growing pauses; the camera stays open meanwhile. A host back
  // within the server's host-absence limit keeps the session. Kicks, ends and refusals clear
  // `live.session` first, so they never come here.
  function reconnect(roomToken) {
    if (live.reconnects >= 5) {
      setState('disconnected');
      setError(new Error('lost the connection to the server'));
      return;
    }
    const delay = 500 * 2 ** live.reconnects;
    live.reconnects += 1;
    setState('reconnecting');
    clearTimeout(live.reconnectTimer);
    live.reconnectTimer = setTimeout(() => {
      if (!live.session || live.ws || live.report) return;
      live.participants.clear();
      live.tracks.clear();
      connect(roomToken);
    }, delay);
  }

  function send(message) {
    if (live.ws && live.ws.readyState === WebSocket.OPEN) live.ws.send(JSON.stringify(message));
  }

  async function handle(message, ws) {
    if (ws !== live.ws && message.type !== 'session_ended') return;
    switch (message.type) {
      case 'joined':
        live.reconnects = 0;
        live.me = message.participant;
        live.role = message.role;
        for (const p of message.participants) addParticipant(p);
        for (const t of message.tracks) live.tracks.set(t.trackId, t);
        renderRoom();
        await startPeer();
        break;
      case 'answer':
        if (live.pc) await live.pc.setRemoteDescription({ type: 'answer', sdp: remoteSDP(message.sdp) });
        break;
      case 'offer':
        await answerOffer(message.sdp);
        break;
      case 'track_published':
        live.tracks.set(message.track.trackId, message.track);
        renderTileLabels();
        schedulePeople();
        break;
      case 'track_unpublished':
        live.tracks.delete(message.trackId);
        schedulePeople();
        break;
      case 'active_speakers':
        live.speakers = (message.speakers || []).map((s) => s.participant);
        markSpeakers();
        break;
      case 'video_layer':
        live.videoLayers.set(message.trackId, message);
        break;
      case 'video_paused':
      case 'video_resumed': {
        if (message.type === 'video_paused') live.pausedVideo.add(message.trackId);
        else live.pausedVideo.delete(message.trackId);
        renderTileLabels();
        break;
      }
      case 'participant_joined':
        addParticipant(message.participant);
        schedulePeople();
        renderTileLabels();
        break;
      case 'participant_left':
        live.participants.delete(message.participant.participant);
        removeTile(message.participant.participant);
        schedulePeople();
        break;
      case 'viewer_joined':
      case 'viewer_left':
        live.viewerCount = message.viewerCount;
        renderCounts();
        break;
      case 'guest_joined':
      case 'guest_left':
        live.guestCount = message.guestCount;
        if (message.type === 'guest_joined') live.invitedUsers.delete(message.user);
        renderCounts();
        schedulePeople();
        break;
      case 'guest_invited':
        live.invitedUsers.add(message.user);
        if (live.user && message.user === live.user.id && live.role === 'viewer') {
          live.invited = true;
          $('invite').hidden = false;
        }
        schedulePeople();
        break;
      case 'track_muted':
        for (const track of live.tracks.values()) {
          const owner = live.participants.get(track.participant);
          const mine = track.participant === live.me && live.user && message.user === live.user.id;
          if (track.kind === message.kind && ((owner && owner.user === message.user) || mine)) track.muted = message.muted;
        }
        renderTileLabels();
        schedulePeople();
        break;
      case 'role_changed':
        await changeRole(message.role);
        break;
      case 'session_ended':
        showReport(message.report);
        break;
      case 'new_message':
      case 'chat_history':
      case 'message_deleted':
      case 'chat_error':
      case 'gift_animation':
      case 'moderator_changed':
        roomMessage(message);
        break;
      case 'closed':
        await closed(message.reason);
        break;
      case 'error':
        setError(new Error(message.message || message.code));
        if (message.code === 'forbidden' || message.code === 'unauthorized') {
          if (message.id === 'join' || !live.me) leaveRoom({ keepError: true });
        }
        break;
      default:
        break;
    }
  }

  async function startPeer() {
    const pc = new RTCPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle' });
    live.pc = pc;
    chobi.pc = pc;
    chobi.mode = 'live-' + live.role;
    pc.addEventListener('connectionstatechange', () => {
      if (live.pc !== pc) return;
      setState(pc.connectionState);
      if (pc.connectionState === 'failed') setError(new Error('connection failed'));
    });
    pc.addEventListener('track', attachRemoteTrack);
    openChat(pc);
    if (live.role !== 'viewer' && live.localStream) {
      for (const track of live.localStream.getTracks()) {
        pc.addTransceiver(track, sendInit(track, live.localStream));
      }
    } else {
      pc.addTransceiver('video', { direction: 'recvonly' });
      pc.addTransceiver('audio', { direction: 'recvonly' });
    }
    await pc.setLocalDescription(await pc.createOffer());
    await waitForIceGathering(pc, 3000);
    if (live.pc === pc) send({ type: 'offer', id: 'offer', sdp: pc.localDescription.sdp });
  }

  // The server adds a section for each track published after we joined (and removes them).
  async function answerOffer(sdp) {
    const pc = live.pc;
    if (!pc) return;
    await pc.setRemoteDescription({ type: 'offer', sdp: remoteSDP(sdp) });
    await pc.setLocalDescription(await pc.createAnswer());
    if (live.pc === pc) send({ type: 'answer', sdp: pc.localDescription.sdp });
  }

  // Chat rides the room's peer connection: a data channel labelled "chat" (docs/signaling.md).
  // The server stamps each message with its sender and sends it to everyone, us included.
  function openChat(pc) {
    const chat = pc.createDataChannel('chat');
    live.chat = chat;
    chat.addEventListener('open', () => { if (live.chat === chat) $('chat-send').disabled = false; });
    chat.addEventListener('close', () => { if (live.chat === chat) $('chat-send').disabled = true; });
    chat.addEventListener('message', (event) => {
      if (live.chat !== chat || typeof event.data !== 'string') return;
      let message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (message) roomMessage(message);
    });
  }

  // Chat and gifts reach a member once: on the chat channel when it is open, on the socket
  // otherwise (docs/signaling.md, "Data channels and chat"); both come here.
  function roomMessage(message) {
    switch (message.type) {
      case 'new_message': showChat(message); break;
      case 'chat_history':
        $('chat-log').replaceChildren();
        live.chatMessages = [];
        for (const line of message.messages || []) showChat(line);
        break;
      case 'message_deleted': {
        live.chatMessages = live.chatMessages.filter((m) => m.id !== message.id);
        const item = document.querySelector('#chat-log li[data-id="' + Number(message.id) + '"]');
        if (item) item.remove();
        break;
      }
      case 'chat_error': setError(new Error(message.message || message.code)); break;
      case 'gift_animation': playGift(message); break;
      case 'moderator_changed':
        if (message.moderator) live.moderators.add(message.userId);
        else live.moderators.delete(message.userId);
        break;
      default: break;
    }
  }

  // The host and the moderators it appointed delete lines and mute people; only the host appoints.
  function canModerate() {
    return live.role === 'host' || (live.user && live.moderators.has(live.user.id));
  }

  function showChat(message) {
    const log = $('chat-log');
    // History and a live line may both bring a line: ids make it once.
    if (message.id !== undefined && log.querySelector('li[data-id="' + Number(message.id) + '"]')) return;
    live.chatMessages.push(message);
    if (live.chatMessages.length > 200) live.chatMessages.shift();
    const item = element('li', message.kind === 'gift' ? 'gift' : null);
    if (message.id !== undefined) item.dataset.id = String(message.id);
    item.append(element('span', 'who', message.name || message.username || message.author),
                element('span', 'text', message.text));
    if (canModerate() && message.id !== undefined) {
      item.append(button('Delete', 'small mod', () => api('chat.deleteMessage', { messageId: message.id })));
      const other = message.author && live.user && message.author !== live.user.id && message.role !== 'host';
      if (other) {
        item.append(button('Mute 5 min', 'small mod', () => api('chat.muteUser',
          { sessionId: live.session.id, userId: message.author, seconds: 300 })));
      }
      if (other && live.role === 'host') {
        const author = message.author;
        item.append(button('Moderator', 'small mod appoint', () => api('chat.setModerator',
          { sessionId: live.session.id, userId: author, on: !live.moderators.has(author) })));
      }
    }
    log.append(item);
    while (log.children.length > 200) log.firstChild.remove();
    log.scrollTop = log.scrollHeight;
  }

  async function sendChat() {
    const input = $('chat-text');
    const text = input.value.trim();
    if (!text) return;
    if (live.chat && live.chat.readyState === 'open') {
      live.chat.send(text);
    } else if (live.session) {
      await api('chat.sendMessage', { sessionId: live.session.id, text, clientMessageId: newKey() });
    } else {
      return;
    }
    input.value = '';
  }

  function newKey() {
    return (window.crypto && crypto.randomUUID) ? crypto.randomUUID()
      : Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  // MARK: gifts and coins

  async function loadGifts() {
    if (!live.gifts.length) live.gifts = (await api('gifts.getAvailableGifts', undefined, { query: true })).gifts;
    const list = $('gift-list');
    list.replaceChildren();
    for (const tier of ['common', 'rare', 'legendary']) {
      list.append(element('span', 'tier', tier));
      for (const gift of live.gifts.filter((g) => g.tier === tier)) {
        const node = button(gift.name + ' · ' + gift.priceCoins, 'small ' + tier, () => sendGift(gift));
        node.dataset.giftId = gift.id;
        list.append(node);
      }
    }
    await refreshBalance();
  }

  async function refreshBalance() {
    showBalance(await api('gifts.getUserBalance', undefined, { query: true }));
  }

  function showBalance(balance) {
    live.balance = balance;
    for (const [id, value] of [['coins', balance.coins], ['diamonds', balance.diamonds],
                               ['wallet-coins', balance.coins], ['wallet-diamonds', balance.diamonds]]) {
      $(id).textContent = String(value);
    }
  }

  async function sendGift(gift) {
    if (!live.session) return;
    const count = gift.canCombo ? Math.min(99, Math.max(1, parseInt($('gift-count').value, 10) || 1)) : 1;
    const answer = await api('gifts.sendGift', { sessionId: live.session.id, giftId: gift.id, count, idempotencyKey: newKey() });
    showBalance(answer.balance);
  }

  // Legendary gifts fill the stage; the others rise over it. A gift to or from us updates our balance.
  function playGift(message) {
    live.giftsShown += 1;
    const node = element('div', 'gift-animation ' + message.gift.tier);
    node.dataset.gift = message.gift.id;
    node.dataset.animation = message.gift.animation;
    node.append(element('span', null, message.sender.name + ' sent ' + message.gift.name +
                        (message.count > 1 ? ' ×' + message.count : '')));
    if (message.combo > 1) node.append(element('span', 'combo', 'combo ×' + message.combo));
    $('gift-stage').append(node);
    setTimeout(() => node.remove(), message.gift.tier === 'legendary' ? 5000 : 3000);
    const me = live.user && live.user.id;
    if (me && (message.recipient.id === me || message.sender.id === me)) refreshBalance().catch(() => {});
  }

  async function showWallet() {
    const [balance, history] = await Promise.all([
      api('gifts.getUserBalance', undefined, { query: true }),
      api('gifts.getUserTransactions', { limit: 50 }, { query: true }),
    ]);
    showBalance(balance);
    const list = $('wallet-transactions');
    list.replaceChildren(...history.transactions.map((t) => {
      const item = element('li');
      item.append(element('span', null, new Date(t.createdAt).toLocaleString()),
                  element('span', null, t.kind === 'purchase' ? 'coins bought' : (t.amount < 0 ? 'gift sent' : 'gift received')),
                  element('span', null, (t.amount > 0 ? '+' : '') + t.amount + ' ' + t.balance),
                  element('span', 'muted-note', t.giftId ? t.giftId + (t.giftCount > 1 ? ' ×' + t.giftCount : '') : ''));
      return item;
    }));
    if (!live.session) showOnly('wallet');
    else $('wallet').hidden = false;
  }

  function closePeer() {
    const pc = live.pc;
    live.pc = null;
    live.chat = null;
    $('chat-send').disabled = true;
    if (chobi.pc === pc) chobi.pc = null;
    if (pc) pc.close();
    for (const key of [...live.tiles.keys()]) if (key !== 'local') removeTile(key);
  }

  async function openCamera() {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { frameRate: { ideal: 30 } } });
    live.localStream = stream;
    const tile = createTile('local');
    tile.video.muted = true;
    tile.video.srcObject = stream;
    tile.video.play().catch(() => {});
    renderTileLabels();
  }

  function stopCamera() {
    if (live.localStream) live.localStream.getTracks().forEach((track) => track.stop());
    live.localStream = null;
    removeTile('local');
  }

  // A removed guest is a viewer on the same socket: its publishing session is closed by the
  // server (a `closed` follows), then a receive-only offer watches again.
  async function changeRole(role) {
    const wasPublishing = live.role !== 'viewer';
    live.role = role;
    renderRoom();
    if (!wasPublishing || role !== 'viewer') return;
    stopCamera();
    if (live.pc) {
      closePeer();
      live.awaitingClose = true;
      // Should the session already be gone, no `closed` comes: watch anyway.
      setTimeout(() => { if (live.awaitingClose) { live.awaitingClose = false; startPeer().catch(setError); } }, 2000);
    } else {
      await startPeer();
    }
  }

  async function closed(reason) {
    if (reason === 'kicked') {
      leaveRoom({ keepError: true });
      setError(new Error('the host removed you from this session'));
    } else if (reason === 'session_ended') {
      if (!live.report) showReport(null);
    } else if (reason !== 'left') {
      closePeer();
      if (live.awaitingClose) {
        live.awaitingClose = false;
        await startPeer();
      } else {
        setState('closed');
      }
    }
  }

  async function acceptInvite(accept) {
    const data = await api('streaming.respondToInvite', { sessionId: live.session.id, accept });
    live.invited = false;
    $('invite').hidden = true;
    if (!data.accepted) return;
    // The socket's role comes from its token: come back on a new socket with the guest token.
    const old = live.ws;
    live.ws = null;
    if (old) old.close(1000);
    closePeer();
    live.participants.clear();
    live.tracks.clear();
    live.role = 'guest';
    renderRoom();
    await openCamera();
    connect(data.roomToken);
  }

  // Following a host is what lets a viewer into their private sessions later.
  async function showFollow(hostId) {
    const follow = $('follow-host');
    follow.hidden = true;
    if (!live.user || hostId === live.user.id) return;
    const profile = await api('users.getProfile', { userId: hostId }, { query: true });
    live.followingHost = !!profile.isFollowing;
    follow.textContent = live.followingHost ? 'Following' : 'Follow host';
    follow.hidden = false;
  }

  async function toggleFollow() {
    const hostId = live.session.host.id;
    await api(live.followingHost ? 'users.unfollow' : 'users.follow', { userId: hostId });
    await showFollow(hostId);
  }

  // The host's record switch: on records into a new video, off finishes it (it appears in the
  // host's videos once ready).
  async function toggleRecording() {
    const data = await api('streaming.setRecording', { sessionId: live.session.id, on: !live.recording });
    live.recording = data.recording;
    renderRoom();
  }

  async function endSession() {
    const data = await api('streaming.endSession', { sessionId: live.session.id });
    showReport(data.report);
  }

  function leaveRoom(options) {
    const ws = live.ws;
    live.ws = null;
    if (ws) {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'leave' }));
      ws.close(1000);
    }
    closePeer();
    stopCamera();
    resetRoom();
    live.session = null;
    live.role = null;
    live.recording = false;
    setState('idle');
    if (!(options && options.keepError)) setError(null);
    renderAccount();
  }

  // MARK: rendering

  function renderRoom() {
    const badge = $('role-badge');
    badge.textContent = live.role || '';
    badge.className = 'badge ' + (live.role || '');
    $('end-session').hidden = live.role !== 'host';
    $('record-session').hidden = live.role !== 'host';
    $('record-session').textContent = live.recording ? '● Recording (stop)' : 'Record';
    $('record-session').classList.toggle('recording', Boolean(live.recording));
    renderCounts();
    renderPeople();
  }

  function renderCounts() {
    $('viewer-count').textContent = String(live.viewerCount);
    $('guest-count').textContent = String(live.guestCount);
  }

  function isMuted(userId, kind) {
    for (const track of live.tracks.values()) {
      const owner = live.participants.get(track.participant);
      if (owner && owner.user === userId && track.kind === kind && track.muted) return true;
    }
    return false;
  }

  // Participants carry their display name (from their room token): no lookup per person.
  function addParticipant(p) {
    live.participants.set(p.participant, p);
    if (p.name) live.names.set(p.user, p.name);
  }

  // A big room changes many times a second: redraw the list at most five times a second.
  function schedulePeople() {
    if (live.peopleTimer) return;
    live.peopleTimer = setTimeout(() => { live.peopleTimer = null; renderPeople(); }, 200);
  }

  // One line per user (a user may have several connections): the stage first, then the most
  // recent viewers up to VIEWERS_SHOWN and a count of the rest; the host gets the controls.
  const VIEWERS_SHOWN = 50;
  function renderPeople() {
    const people = new Map();
    const rank = { viewer: 0, guest: 1, host: 2 };
    for (const p of live.participants.values()) {
      const seen = people.get(p.user);
      if (!seen || rank[p.role] > rank[seen]) people.set(p.user, p.role);
    }
    const stage = [...people].filter(([, role]) => role !== 'viewer');
    const viewers = [...people].filter(([, role]) => role === 'viewer').reverse();
    const list = $('people');
    list.replaceChildren();
    for (const [userId, role] of stage.concat(viewers.slice(0, VIEWERS_SHOWN))) {
      const item = element('li');
      item.dataset.userId = userId;
      item.dataset.role = role;
      item.append(element('span', 'name', displayName(userId)));
      item.append(element('span', 'badge ' + role, role));
      if (live.invitedUsers.has(userId) && role === 'viewer') item.append(element('span', 'muted-note', 'invited'));
      if (live.role === 'host' && role !== 'host') {
        const sessionId = live.session.id;
        if (role === 'viewer') {
          item.append(button('Invite', 'secondary small invite',
            () => api('streaming.inviteGuest', { sessionId, userId })));
        } else {
          for (const kind of ['audio', 'video']) {
            const muted = isMuted(userId, kind);
            item.append(button((muted ? 'Unmute ' : 'Mute ') + kind, 'small mute-' + kind,
              () => api('streaming.muteTrack', { sessionId, userId, kind, muted: !muted })));
          }
          item.append(button('Remove guest', 'small remove',
            () => api('streaming.removeGuest', { sessionId, userId })));
        }
        item.append(button('Kick', 'small kick', () => api('streaming.kick', { sessionId, userId })));
      }
      list.append(item);
    }
    if (viewers.length > VIEWERS_SHOWN) {
      list.append(element('li', 'muted-note more', 'and ' + (viewers.length - VIEWERS_SHOWN) + ' more viewers'));
    }
  }

  function createTile(key) {
    const node = element('div', 'tile');
    node.dataset.participant = key;
    const video = element('video');
    video.autoplay = true;
    video.playsInline = true;
    const label = element('span', 'label');
    node.append(video, label);
    $('tiles').append(node);
    const tile = { node, video, label };
    live.tiles.set(key, tile);
    return tile;
  }

  function removeTile(key) {
    const tile = live.tiles.get(key);
    if (!tile) return;
    tile.video.srcObject = null;
    tile.node.remove();
    live.tiles.delete(key);
  }

  function attachRemoteTrack(event) {
    const stream = event.streams[0] || new MediaStream([event.track]);
    const key = stream.id;
    const tile = live.tiles.get(key) || createTile(key);
    if (tile.video.srcObject !== stream) {
      tile.video.srcObject = stream;
      stream.addEventListener('removetrack', () => { if (stream.getTracks().length === 0) removeTile(key); });
    }
    tile.video.play().catch(() => {});
    renderTileLabels();
  }

  // The tile of whoever speaks loudest gets a highlight (the server's active_speakers list).
  function markSpeakers() {
    const first = live.speakers[0];
    for (const [key, tile] of live.tiles) {
      const who = key === 'local' ? live.me : key;
      tile.node.classList.toggle('speaking', first !== undefined && who === first);
    }
  }

  function renderTileLabels() {
    for (const [key, tile] of live.tiles) {
      let text;
      if (key === 'local') {
        text = 'You' + (live.role === 'host' ? ' (host)' : '');
        const mine = [...live.tracks.values()].filter((t) => t.participant === live.me && t.muted);
        if (mine.length) text += ' · muted by host: ' + mine.map((t) => t.kind).join(', ');
      } else {
        const participant = live.participants.get(key);
        text = participant ? displayName(participant.user) + ' (' + participant.role + ')' : 'participant';
        const muted = [...live.tracks.values()].filter((t) => t.participant === key && t.muted).map((t) => t.kind);
        if (muted.length) text += ' · muted: ' + muted.join(', ');
        const paused = [...live.tracks.values()].some((t) => t.participant === key && live.pausedVideo.has(t.trackId));
        if (paused) text += ' · video paused (low bandwidth)';
      }
      tile.label.textContent = text;
    }
    markSpeakers();
  }

  function formatSeconds(value) {
    const seconds = Math.round(Number(value) || 0);
    const minutes = Math.floor(seconds / 60);
    return minutes > 0 ? minutes + ' min ' + (seconds % 60) + ' s' : seconds + ' s';
  }

  function showReport(report) {
    if (!live.session) return;
    live.report = report || live.report || {};
    const ws = live.ws;
    live.ws = null;
    if (ws) ws.close(1000);
    closePeer();
    stopCamera();
    const rows = [
      ['durationSeconds', 'Duration', formatSeconds],
      ['peakViewers', 'Peak viewers', String],
      ['uniqueViewers', 'Unique viewers', String],
      ['totalWatchSeconds', 'Total watch time', formatSeconds],
      ['averageWatchSeconds', 'Average watch time', formatSeconds],
      ['guests', 'Guests', String],
      ['messages', 'Messages', String],
      ['gifts', 'Gifts', String],
      ['giftCoins', 'Coins in gifts', String],
    ];
    const figures = $('report-figures');
    figures.replaceChildren();
    for (const [field, title, format] of rows) {
      if (live.report[field] === undefined) continue;
      const value = element('dd', null, format(live.report[field]));
      value.dataset.field = field;
      value.dataset.value = String(live.report[field]);
      figures.append(element('dt', null, title), value);
    }
    // The host can open the session's analytics from here (social.js).
    const analytics = $('open-analytics');
    analytics.hidden = live.role !== 'host';
    analytics.dataset.sessionId = live.session.id;
    live.session = null;
    setState('ended');
    showOnly('report');
  }

  // social.js (profiles, the bell, analytics) builds on these.
  chobi.app = { api, guarded, element, button, showOnly, renderAccount };

  $('sign-in').addEventListener('click', () => guarded(() => signIn(false)));
  $('register').addEventListener('click', () => guarded(() => signIn(true)));
  $('sign-out').addEventListener('click', () => guarded(async () => signOut()));
  $('refresh').addEventListener('click', () => guarded(refreshSessions));
  $('more-sessions').addEventListener('click', () => guarded(moreSessions));
  $('go-live-app').addEventListener('click', () => guarded(goLive));
  $('end-session').addEventListener('click', () => guarded(endSession));
  $('record-session').addEventListener('click', () => guarded(toggleRecording));
  $('follow-host').addEventListener('click', () => guarded(toggleFollow));
  $('leave-session').addEventListener('click', () => guarded(async () => leaveRoom()));
  $('accept-invite').addEventListener('click', () => guarded(() => acceptInvite(true)));
  $('decline-invite').addEventListener('click', () => guarded(() => acceptInvite(false)));
  $('chat-form').addEventListener('submit', (event) => { event.preventDefault(); guarded(sendChat); });
  $('open-wallet').addEventListener('click', () => guarded(showWallet));
  $('close-wallet').addEventListener('click', () => guarded(async () => {
    $('wallet').hidden = true;
    if (!live.session) renderAccount();
  }));
  $('back-to-lobby').addEventListener('click', () => guarded(async () => { live.report = null; renderAccount(); }));
  // The lobby list stays current while it is on screen.
  setInterval(() => {
    if (live.user && !live.session && !live.report && !live.paged && !document.hidden) refreshSessions().catch(() => {});
  }, 5000);

  restoreAccount();
  renderAccount();
})();
