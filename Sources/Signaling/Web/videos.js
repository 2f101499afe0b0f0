'use strict';
// The video library: a grid of videos (search, category, recent or popular), a player with likes
// and comments, and an upload form whose progress survives a dropped connection (the upload goes
// in chunks with Content-Range; after a failure it asks the server with HEAD where to continue).
// Built on live.js's helpers (chobi.app).
(function () {
  const $ = (id) => document.getElementById(id);
  const chobi = window.chobi;
  const live = chobi.live;
  const { api, guarded, element, button, showOnly, renderAccount } = chobi.app;
  const videos = { cursor: null, current: null, commentCursor: null, categories: [], uploading: false };
  chobi.videos = videos;
  // One PUT carries at most this much: a dropped connection costs at most one chunk's progress.
  const CHUNK = 8 * 1024 * 1024;

  function formatDuration(ms) {
    if (ms == null) return '';
    const total = Math.round(ms / 1000);
    const h = Math.floor(total / 3600), m = Math.floor(total / 60) % 60, s = total % 60;
    const two = (n) => String(n).padStart(2, '0');
    return h > 0 ? h + ':' + two(m) + ':' + two(s) : m + ':' + two(s);
  }

  // <video src> cannot send headers: followers-only and private files take the token in the URL.
  function withToken(url) {
    return live.token ? url + '?token=' + encodeURIComponent(live.token) : url;
  }

  function show(part) {
    showOnly('videos');
    $('videos-library').hidden = part !== 'library';
    $('video-upload').hidden = part !== 'upload';
    $('video-player').hidden = part !== 'player';
    if (part !== 'player') $('player-video').pause();
  }

  async function loadCategories() {
    if (videos.categories.length) return;
    videos.categories = (await api('videos.getCategories', undefined, { query: true })).categories;
    for (const select of [$('video-category'), $('upload-category')]) {
      for (const c of videos.categories) {
        const option = element('option', null, c.name);
        option.value = c.id;
        select.append(option);
      }
    }
  }

  // MARK: library

  async function openLibrary() {
    show('library');
    await loadCategories();
    await loadVideos(false);
  }

  async function loadVideos(more) {
    const input = { sort: $('video-sort').value, limit: 24 };
    const query = $('video-query').value.trim();
    if (query) input.query = query;
    if ($('video-category').value) input.category = $('video-category').value;
    if (more && videos.cursor) input.cursor = videos.cursor;
    const page = await api('videos.getVideos', input, { query: true });
    if (!more) $('video-grid').replaceChildren();
    for (const video of page.videos) $('video-grid').append(videoCard(video));
    if (!more && page.videos.length === 0) $('video-grid').append(element('li', 'muted-note', 'No videos yet.'));
    videos.cursor = page.nextCursor || null;
    $('more-videos').hidden = !videos.cursor;
  }

  function videoCard(video) {
    const item = element('li');
    const thumb = element('div', 'video-thumb');
    if (video.thumbnailUrl) {
      const img = element('img');
      img.src = withToken(video.thumbnailUrl);
      img.alt = '';
      thumb.append(img);
    }
    thumb.append(element('span', 'video-duration', formatDuration(video.durationMs)));
    item.append(thumb, element('strong', null, video.title),
      element('div', 'muted-note', video.owner.displayName + ' · ' + video.viewCount + ' views'));
    item.addEventListener('click', () => guarded(() => openVideo(video.id)));
    return item;
  }

  // The profile page lists a user's recordings with the same cards (social.js).
  videos.card = videoCard;

  // MARK: player

  async function openVideo(videoId) {
    const { video } = await api('videos.getVideo', { videoId }, { query: true });
    videos.current = video;
    show('player');
    $('player-title').textContent = video.title;
    $('player-description').textContent = video.description || '';
    renderMeta();
    const player = $('player-video');
    if (video.fileUrl) {
      player.src = withToken(video.fileUrl);
    } else {
      player.removeAttribute('src');
      $('player-meta').textContent = video.status === 'failed' ? 'Refused: ' + (video.failure || '') : 'Status: ' + video.status;
    }
    $('player-delete').hidden = !(live.user && live.user.id === video.owner.id);
    $('player-like').disabled = !live.token;
    $('comment-form').hidden = !live.token;
    videos.watched = 0;
    videos.viewSent = false;
    await loadComments(false);
  }

  function renderMeta() {
    const v = videos.current;
    $('player-meta').textContent = v.owner.displayName + ' · ' + v.viewCount + ' views · ' + v.likeCount + ' likes · '
      + formatDuration(v.durationMs) + (v.incomplete ? ' · incomplete recording' : '');
    $('player-like').textContent = v.liked ? '♥ Liked' : '♡ Like';
  }

  async function toggleLike() {
    const v = videos.current;
    const result = await api(v.liked ? 'videos.unlike' : 'videos.like', { videoId: v.id });
    v.liked = result.liked;
    v.likeCount = result.likeCount;
    renderMeta();
  }

  // Watch time goes to the server when playback pauses or ends, and on leaving the player.
  async function reportView() {
    const v = videos.current;
    const seconds = Math.round(videos.watched);
    if (!v || (videos.viewSent && seconds === 0)) return;
    videos.watched = 0;
    videos.viewSent = true;
    const result = await api('videos.recordView', { videoId: v.id, watchedSeconds: seconds });
    v.viewCount = result.viewCount;
    renderMeta();
  }

  async function loadComments(more) {
    const v = videos.current;
    const input = { videoId: v.id, limit: 20 };
    if (more && videos.commentCursor) input.cursor = videos.commentCursor;
    const page = await api('videos.getComments', input, { query: true });
    if (!more) $('player-comments').replaceChildren();
    for (const c of page.comments) $('player-comments').append(commentItem(c));
    videos.commentCursor = page.nextCursor || null;
    $('more-comments').hidden = !videos.commentCursor;
  }

  function commentItem(comment) {
    const item = element('li');
    item.append(element('strong', null, comment.user.displayName + ': '), element('span', null, comment.body));
    const me = live.user && live.user.id;
    if (me && (me === comment.user.id || me === videos.current.owner.id)) {
      item.append(' ', button('Delete', 'small', async () => {
        await api('videos.deleteComment', { videoId: videos.current.id, commentId: comment.id });
        item.remove();
      }));
    }
    return item;
  }

  async function sendComment() {
    const body = $('comment-body').value.trim();
    if (!body) return;
    const { comment } = await api('videos.addComment', { videoId: videos.current.id, body });
    $('comment-body').value = '';
    $('player-comments').prepend(commentItem(comment));
  }

  async function deleteVideo() {
    if (!window.confirm('Delete this video?')) return;
    await api('videos.deleteVideo', { videoId: videos.current.id });
    await openLibrary();
  }

  // MARK: upload

  function putChunk(url, blob, first, total, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('PUT', url);
      xhr.setRequestHeader('Authorization', 'Bearer ' + live.token);
      xhr.setRequestHeader('Content-Range', 'bytes ' + first + '-' + (first + blob.size - 1) + '/' + total);
      xhr.upload.onprogress = (event) => onProgress(event.loaded);
      xhr.onload = () => {
        let body = null;
        try { body = JSON.parse(xhr.responseText); } catch (_) { body = null; }
        resolve({ status: xhr.status, body, offset: Number(xhr.getResponseHeader('Upload-Offset')) });
      };
      xhr.onerror = () => reject(new Error('connection lost'));
      xhr.onabort = xhr.onerror;
      xhr.ontimeout = xhr.onerror;
      xhr.send(blob);
    });
  }

  async function storedOffset(url) {
    const response = await fetch(url, { method: 'HEAD', headers: { Authorization: 'Bearer ' + live.token } });
    if (!response.ok) throw new Error('the upload cannot be resumed (HTTP ' + response.status + ')');
    return Number(response.headers.get('Upload-Offset') || 0);
  }

  async function startUpload() {
    const file = $('upload-file').files[0];
    if (!file) throw new Error('Choose a file first');
    const tags = $('upload-tags').value.split(',').map((t) => t.trim()).filter(Boolean);
    const input = { title: $('upload-title').value.trim() || file.name, visibility: $('upload-visibility').value, tags };
    if ($('upload-description').value.trim()) input.description = $('upload-description').value.trim();
    if ($('upload-category').value) input.category = $('upload-category').value;
    const created = await api('videos.uploadVideo', input);
    if (file.size > created.maxBytes) throw new Error('The file is larger than ' + created.maxBytes + ' bytes');
    videos.uploading = true;
    $('upload-start').disabled = true;
    const progress = $('upload-progress');
    progress.hidden = false;
    const status = $('upload-status');
    let offset = 0;
    let failures = 0;
    try {
      while (true) {
        const blob = file.slice(offset, Math.min(file.size, offset + CHUNK));
        let answer;
        try {
          answer = await putChunk(created.uploadUrl, blob, offset, file.size, (loaded) => {
            progress.value = Math.floor(100 * (offset + loaded) / file.size);
          });
        } catch (error) {
          // Dropped: wait a little longer each time, then continue where the server says.
          failures += 1;
          if (failures > 30) throw error;
          status.textContent = 'Connection lost; resuming…';
          await new Promise((r) => setTimeout(r, Math.min(10000, 500 * failures)));
          try { offset = await storedOffset(created.uploadUrl); } catch (_) { /* retried on the next turn */ }
          continue;
        }
        if (answer.status === 409 || answer.status >= 500) {
          failures += 1;
          if (failures > 30) throw new Error((answer.body && answer.body.error) || 'upload failed');
          await new Promise((r) => setTimeout(r, 1000));
          offset = await storedOffset(created.uploadUrl);
          continue;
        }
        if (answer.status !== 200) throw new Error((answer.body && answer.body.error) || 'upload failed (HTTP ' + answer.status + ')');
        failures = 0;
        offset = answer.offset;
        progress.value = Math.floor(100 * offset / file.size);
        status.textContent = '';
        if (answer.body && answer.body.complete) {
          await openVideo(created.videoId);
          return;
        }
      }
    } finally {
      videos.uploading = false;
      $('upload-start').disabled = false;
      progress.hidden = true;
    }
  }

  // MARK: wiring

  const player = $('player-video');
  let lastTime = 0;
  player.addEventListener('playing', () => { lastTime = player.currentTime; });
  player.addEventListener('timeupdate', () => {
    const delta = player.currentTime - lastTime;
    if (delta > 0 && delta < 2) videos.watched += delta;
    lastTime = player.currentTime;
  });
  for (const event of ['pause', 'ended']) player.addEventListener(event, () => guarded(reportView));

  $('open-videos').addEventListener('click', () => guarded(openLibrary));
  $('video-search').addEventListener('submit', () => guarded(() => loadVideos(false)));
  $('video-sort').addEventListener('change', () => guarded(() => loadVideos(false)));
  $('video-category').addEventListener('change', () => guarded(() => loadVideos(false)));
  $('more-videos').addEventListener('click', () => guarded(() => loadVideos(true)));
  $('show-upload').addEventListener('click', () => guarded(async () => { await loadCategories(); show('upload'); }));
  $('video-upload').addEventListener('submit', () => guarded(startUpload));
  $('upload-cancel').addEventListener('click', () => guarded(openLibrary));
  $('player-like').addEventListener('click', () => guarded(toggleLike));
  $('player-delete').addEventListener('click', () => guarded(deleteVideo));
  $('comment-form').addEventListener('submit', () => guarded(sendComment));
  $('more-comments').addEventListener('click', () => guarded(() => loadComments(true)));
  $('close-player').addEventListener('click', () => guarded(async () => { await reportView(); await openLibrary(); }));
  $('close-videos').addEventListener('click', () => guarded(async () => { $('videos').hidden = true; renderAccount(); }));
  window.addEventListener('beforeunload', (event) => {
    if (videos.uploading) event.preventDefault();
  });
})();
