'use strict';
// The app around the stream: the notification bell (live over /events), profiles with level,
// badges, statistics and settings, follower lists, user search, and a host's session analytics
// drawn as inline SVG. Built on live.js's helpers (chobi.app).
(function () {
  const $ = (id) => document.getElementById(id);
  const chobi = window.chobi;
  const live = chobi.live;
  const { api, guarded, element, button, showOnly, renderAccount } = chobi.app;
  const social = { ws: null, retries: 0, retryTimer: null, unread: 0, notifications: [],
                   profile: null, followDirection: null, followCursor: null, analytics: null };
  chobi.social = social;
  const SVG = 'http://www.w3.org/2000/svg';
  const KINDS = { new_follower: 'new followers', gift_received: 'gifts', went_live: 'hosts going live',
                  new_comment: 'comments', level_up: 'level ups', achievement: 'badges', system: 'announcements' };

  // MARK: the bell

  function setUnread(count) {
    social.unread = count;
    $('bell-count').textContent = String(count);
    $('bell-count').hidden = count === 0;
  }

  function connectEvents() {
    if (!live.token || social.ws) return;
    const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(scheme + '//' + window.location.host + '/events?token=' + encodeURIComponent(live.token));
    social.ws = ws;
    ws.addEventListener('message', (event) => {
      let message;
      try { message = JSON.parse(event.data); } catch (_) { return; }
      if (message.type === 'ready') {
        social.retries = 0;
        setUnread(message.unreadCount);
        loadNotifications().catch(() => {});
      } else if (message.type === 'notification') {
        social.notifications.unshift(message.notification);
        setUnread(message.unreadCount);
        renderNotifications();
      } else if (message.type === 'unread_count') {
        setUnread(message.unreadCount);
        if (!$('notifications').hidden) loadNotifications().catch(() => {});
      }
    });
    ws.addEventListener('close', () => {
      if (social.ws !== ws) return;
      social.ws = null;
      // Back with growing pauses while signed in (a restart, a network change).
      if (live.token) {
        const delay = Math.min(10000, 500 * 2 ** social.retries++);
        social.retryTimer = setTimeout(connectEvents, delay);
      }
    });
  }

  function disconnectEvents() {
    clearTimeout(social.retryTimer);
    const ws = social.ws;
    social.ws = null;
    if (ws) ws.close();
    social.notifications = [];
    setUnread(0);
  }

  async function loadNotifications() {
    const page = await api('notifications.getNotifications', { limit: 30 }, { query: true });
    social.notifications = page.notifications;
    setUnread(page.unreadCount);
    renderNotifications();
  }

  function renderNotifications() {
    const list = $('notification-list');
    list.replaceChildren();
    for (const n of social.notifications) {
      const item = element('li', n.read ? 'read' : 'unread');
      item.dataset.kind = n.kind;
      item.dataset.id = String(n.id);
      item.append(element('span', 'text', (n.data && n.data.text) || n.kind),
                  element('span', 'when', new Date(n.createdAt).toLocaleTimeString()));
      if (!n.read) item.append(button('Read', 'small', () => markRead([n.id])));
      if (n.kind === 'new_follower' && n.data.followerId) {
        item.append(button('Profile', 'small', () => openProfile(n.data.followerId)));
      }
      list.append(item);
    }
    $('no-notifications').hidden = social.notifications.length > 0;
  }

  async function markRead(ids) {
    const answer = await api('notifications.markAsRead', ids ? { ids } : { all: true });
    setUnread(answer.unreadCount);
    for (const n of social.notifications) if (!ids || ids.includes(n.id)) n.read = true;
    renderNotifications();
  }

  // MARK: profiles

  async function openProfile(userId) {
    const profile = await api('users.getProfile', { userId }, { query: true });
    social.profile = profile;
    const mine = live.user && live.user.id === profile.id;
    $('profile-name').textContent = profile.displayName;
    $('profile-username').textContent = '@' + profile.username + (profile.isPrivate ? ' · private' : '');
    $('profile-bio').textContent = profile.bio || '';
    $('profile-follow').hidden = mine || !live.user;
    $('profile-follow').textContent = profile.isFollowing ? 'Unfollow' : 'Follow';
    renderLevel(profile.level);
    const badges = $('profile-badges');
    badges.replaceChildren();
    for (const badge of profile.badges || []) {
      const item = element('li', 'badge-item', badge.icon + ' ' + badge.name);
      item.dataset.badge = badge.id;
      item.title = badge.description;
      badges.append(item);
    }
    if (!profile.badges) badges.append(element('li', 'muted-note', 'private'));
    const stats = $('profile-stats');
    stats.replaceChildren();
    const s = profile.stats;
    if (s) {
      for (const [field, title] of [['followers', 'followers'], ['following', 'following'], ['streams', 'streams'],
                                    ['hoursLive', 'hours live'], ['watchMinutes', 'minutes watched'],
                                    ['giftsSent', 'gifts sent'], ['giftsReceived', 'gifts received'],
                                    ['diamondsEarned', 'diamonds earned']]) {
        const value = element('dd', null, String(s[field]));
        value.dataset.field = field;
        stats.append(element('dt', null, title), value);
      }
    }
    $('profile-followers').textContent = 'Followers (' + profile.followerCount + ')';
    $('profile-following').textContent = 'Following (' + profile.followingCount + ')';
    $('follow-list').replaceChildren();
    $('more-follows').hidden = true;
    $('profile-settings').hidden = !mine;
    if (mine) await loadSettings();
    showOnly('profile');
    await loadRecordings(profile.id, mine);
  }

  // A user's recorded live sessions (the owner also sees the ones still being written).
  async function loadRecordings(userId, mine) {
    const list = $('profile-recordings');
    list.replaceChildren();
    const page = await api('videos.getVideos', { userId, limit: 50 }, { query: true });
    const recorded = page.videos.filter((video) => video.source === 'recording');
    for (const video of recorded) {
      if (video.status === 'ready') {
        list.append(chobi.videos.card(video));
      } else if (mine) {
        list.append(element('li', 'muted-note', video.title + ' · ' + video.status));
      }
    }
    if (list.children.length === 0) list.append(element('li', 'muted-note', 'No recordings yet.'));
  }

  function renderLevel(level) {
    const box = $('profile-level');
    box.replaceChildren();
    box.dataset.level = String(level.level);
    box.append(element('b', null, 'Level ' + level.level),
               element('span', 'muted-note', ' ' + level.experience + ' XP · next level at ' + level.nextLevelAt + ' XP'));
    // The way to the next level, as a bar.
    const width = 240;
    const svg = svgNode('svg', { width, height: 12, viewBox: '0 0 ' + width + ' 12', role: 'img' });
    svg.setAttribute('aria-label', Math.round(level.progress * 100) + '% of the way to level ' + (level.level + 1));
    svg.append(svgNode('rect', { x: 0, y: 0, width, height: 12, rx: 6, fill: '#333' }),
               svgNode('rect', { x: 0, y: 0, width: Math.max(0, Math.min(width, level.progress * width)), height: 12,
                                 rx: 6, fill: '#e0245e', class: 'level-progress' }));
    box.append(svg);
  }

  async function toggleFollowProfile() {
    const profile = social.profile;
    await api(profile.isFollowing ? 'users.unfollow' : 'users.follow', { userId: profile.id });
    await openProfile(profile.id);
  }

  async function showFollows(direction, more) {
    const profile = social.profile;
    if (!more) { social.followCursor = null; $('follow-list').replaceChildren(); }
    social.followDirection = direction;
    const input = { userId: profile.id, limit: 20 };
    if (more && social.followCursor) input.cursor = social.followCursor;
    const page = await api(direction === 'followers' ? 'users.getFollowers' : 'users.getFollowing', input, { query: true });
    for (const entry of page.users) $('follow-list').append(personItem(entry.user));
    social.followCursor = page.nextCursor || null;
    $('more-follows').hidden = !page.nextCursor;
  }

  function personItem(user) {
    const item = element('li');
    item.dataset.userId = user.id;
    item.append(element('span', 'name', user.displayName + ' @' + user.username),
                button('Profile', 'small', () => openProfile(user.id)));
    return item;
  }

  async function loadSettings() {
    const settings = await api('users.getSettings', undefined, { query: true });
    $('setting-private').checked = settings.isPrivate;
    $('setting-invites').value = settings.invitePolicy;
    const kinds = $('setting-kinds');
    kinds.querySelectorAll('label').forEach((node) => node.remove());
    for (const [kind, title] of Object.entries(KINDS)) {
      const label = element('label', 'inline');
      const box = element('input');
      box.type = 'checkbox';
      box.dataset.kind = kind;
      box.checked = settings.notifications[kind] !== false;
      label.append(box, document.createTextNode(' ' + title));
      kinds.append(label);
    }
  }

  async function saveSettings() {
    const notifications = {};
    $('setting-kinds').querySelectorAll('input[data-kind]').forEach((box) => { notifications[box.dataset.kind] = box.checked; });
    await api('users.updateSettings', { isPrivate: $('setting-private').checked,
                                        invitePolicy: $('setting-invites').value, notifications });
    await openProfile(live.user.id);
  }

  async function search() {
    const query = $('user-search').value.trim();
    const list = $('search-results');
    list.replaceChildren();
    if (!query) return;
    const found = await api('users.search', { query, limit: 20 }, { query: true });
    for (const user of found.users) list.append(personItem(user));
    if (!found.users.length) list.append(element('li', 'muted-note', 'Nobody by that name.'));
  }

  // MARK: analytics (a host's ended session)

  async function openAnalytics(sessionId) {
    const stats = await api('analytics.getStreamStats', { sessionId }, { query: true });
    social.analytics = stats;
    renderAnalytics(stats);
    showOnly('analytics');
  }

  function renderAnalytics(stats) {
    $('analytics-title').textContent = 'Session analytics · ' + stats.status;
    const figures = $('analytics-figures');
    figures.replaceChildren();
    const viewers = stats.viewers || {};
    const engagement = stats.engagement || {};
    const rows = [['peak', 'peak viewers', viewers.peak], ['average', 'average viewers', viewers.average],
                  ['unique', 'unique viewers', viewers.unique], ['duration', 'duration (s)', stats.durationSeconds],
                  ['watchTime', 'watch time (s)', stats.watchTimeSeconds],
                  ['chatters', 'chatters (share of viewers)', engagement.chatterShare],
                  ['gifters', 'gifters (share of viewers)', engagement.gifterShare],
                  ['messagesPerMinute', 'messages per minute', engagement.messagesPerMinute],
                  ['coins', 'coins in gifts', stats.gifts && stats.gifts.coins],
                  ['followersGained', 'followers gained', stats.followersGained]];
    for (const [field, title, value] of rows) {
      if (value === undefined || value === null) continue;
      const node = element('dd', null, String(Math.round(value * 100) / 100));
      node.dataset.field = field;
      figures.append(element('dt', null, title), node);
    }
    const series = (stats.series || []).map((point) => ({ t: Date.parse(point.at), v: point.viewers }));
    $('chart-viewers').replaceChildren(lineChart(series.filter((p) => !Number.isNaN(p.t))));
    $('chart-devices').replaceChildren(barChart(entries(stats.devices)));
    $('chart-countries').replaceChildren(barChart(entries(stats.countries)));
  }

  // A breakdown ([{key, viewers}], most first) as bars: the twelve largest.
  function entries(list) {
    return (list || []).map((e) => ({ name: String(e.key), count: Number(e.viewers) || 0 }))
      .sort((a, b) => b.count - a.count).slice(0, 12);
  }

  function svgNode(tag, attributes) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, String(value));
    return node;
  }

  function lineChart(points) {
    const width = 640, height = 180, pad = 28;
    const svg = svgNode('svg', { width, height, viewBox: '0 0 ' + width + ' ' + height, class: 'line-chart', role: 'img' });
    svg.setAttribute('aria-label', 'viewers over time');
    if (!points.length) {
      svg.append(svgNode('text', { x: pad, y: height / 2 })).lastChild.textContent = 'no samples yet';
      return svg;
    }
    const t0 = points[0].t, t1 = Math.max(points[points.length - 1].t, t0 + 1);
    const top = Math.max(1, ...points.map((p) => p.v));
    const x = (t) => pad + (t - t0) / (t1 - t0) * (width - 2 * pad);
    const y = (v) => height - pad - v / top * (height - 2 * pad);
    svg.append(svgNode('line', { x1: pad, y1: height - pad, x2: width - pad, y2: height - pad, stroke: '#444' }),
               svgNode('line', { x1: pad, y1: pad, x2: pad, y2: height - pad, stroke: '#444' }));
    const path = points.map((p, i) => (i ? 'L' : 'M') + x(p.t).toFixed(1) + ' ' + y(p.v).toFixed(1)).join(' ');
    svg.append(svgNode('path', { d: path, fill: 'none', stroke: '#1d9bf0', 'stroke-width': 2, class: 'series' }));
    for (const p of points) svg.append(svgNode('circle', { cx: x(p.t).toFixed(1), cy: y(p.v).toFixed(1), r: 2.5, fill: '#1d9bf0' }));
    const label = svgNode('text', { x: 2, y: pad });
    label.textContent = String(top);
    svg.append(label);
    return svg;
  }

  function barChart(list) {
    const width = 640, row = 22, pad = 110;
    const height = Math.max(row, list.length * row) + 8;
    const svg = svgNode('svg', { width, height, viewBox: '0 0 ' + width + ' ' + height, class: 'bar-chart', role: 'img' });
    const top = Math.max(1, ...list.map((e) => e.count));
    list.forEach((entry, i) => {
      const y = 4 + i * row;
      const name = svgNode('text', { x: 4, y: y + 14 });
      name.textContent = entry.name;
      const bar = svgNode('rect', { x: pad, y: y + 3, height: row - 8, rx: 3, fill: '#e0245e', class: 'bar',
                                    width: Math.max(2, entry.count / top * (width - pad - 50)) });
      bar.dataset.name = entry.name;
      bar.dataset.count = String(entry.count);
      const count = svgNode('text', { x: pad + Number(bar.getAttribute('width')) + 6, y: y + 14 });
      count.textContent = String(entry.count);
      svg.append(name, bar, count);
    });
    if (!list.length) svg.append(svgNode('text', { x: 4, y: 16 })).lastChild.textContent = 'no viewers';
    return svg;
  }

  // MARK: wiring

  chobi.onAccount = (user) => {
    if (user) connectEvents(); else disconnectEvents();
  };
  // live.js rendered the account before this script ran: catch up with it.
  chobi.onAccount(live.user);
  chobi.openProfile = openProfile;
  chobi.openAnalytics = openAnalytics;

  $('bell').addEventListener('click', () => guarded(async () => {
    $('notifications').hidden = !$('notifications').hidden;
    if (!$('notifications').hidden) await loadNotifications();
  }));
  $('mark-all-read').addEventListener('click', () => guarded(() => markRead(null)));
  $('open-profile').addEventListener('click', () => guarded(() => openProfile(live.user.id)));
  $('profile-follow').addEventListener('click', () => guarded(toggleFollowProfile));
  $('profile-followers').addEventListener('click', () => guarded(() => showFollows('followers', false)));
  $('profile-following').addEventListener('click', () => guarded(() => showFollows('following', false)));
  $('more-follows').addEventListener('click', () => guarded(() => showFollows(social.followDirection, true)));
  $('save-settings').addEventListener('click', () => guarded(saveSettings));
  $('close-profile').addEventListener('click', () => guarded(async () => { $('profile').hidden = true; renderAccount(); }));
  $('search-form').addEventListener('submit', (event) => { event.preventDefault(); guarded(search); });
  $('open-analytics').addEventListener('click', () => guarded(() => openAnalytics($('open-analytics').dataset.sessionId)));
  $('close-analytics').addEventListener('click', () => guarded(async () => { $('analytics').hidden = true; renderAccount(); }));
})();
