extension WebClient {
    /// `index.html`. The app (`live.js`): sign in or register, the list of live sessions, go live,
    /// watch, co-host (invite, accept), host and guests side by side, host controls, the end report.
    /// Below it, a direct form (`app.js`) that goes live or watches with a room token over WHIP/WHEP;
    /// `?room=&token=&mode=host|watch&autostart=1` fills that form and starts (for tests).
    static let page = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Chobi Live</title>
    <style>
      body { font-family: system-ui, sans-serif; margin: 0; background: #111; color: #eee; }
      main { max-width: 1100px; margin: 0 auto; padding: 16px; }
      header { display: flex; justify-content: space-between; align-items: center; margin-bottom: 12px; }
      h1 { font-size: 20px; margin: 0; }
      h2 { font-size: 16px; margin: 16px 0 8px; }
      .panel { background: #1a1a1a; border-radius: 8px; padding: 12px 16px; margin-bottom: 12px; }
      form { display: flex; flex-wrap: wrap; gap: 8px; align-items: end; }
      label { display: flex; flex-direction: column; font-size: 12px; gap: 4px; }
      label.inline { flex-direction: row; align-items: center; font-size: 14px; }
      input { padding: 6px 8px; border-radius: 4px; border: 1px solid #444; background: #222; color: #eee; }
      #token { width: 360px; }
      #session-title { width: 280px; }
      button { padding: 7px 14px; border: 0; border-radius: 4px; cursor: pointer; font-weight: 600;
               background: #333; color: #fff; }
      button:disabled { opacity: .4; cursor: default; }
      button.primary, #live, #go-live-app { background: #e0245e; }
      button.secondary, #watch { background: #1d9bf0; }
      button.small { padding: 3px 8px; font-size: 12px; }
      ul { list-style: none; padding: 0; margin: 0; }
      #sessions li, #people li { display: flex; gap: 8px; align-items: center; padding: 6px 0;
                                 border-bottom: 1px solid #2a2a2a; }
      #sessions .title, #people .name { flex: 1; }
      #chat-log { list-style: none; padding: 0; max-height: 240px; overflow-y: auto; }
      #chat-log .who { font-weight: 600; margin-right: 6px; }
      #chat-form { display: flex; gap: 8px; }
      #chat-text { flex: 1; }
      .muted-note { color: #999; font-size: 13px; }
      .badge { font-size: 11px; padding: 2px 6px; border-radius: 8px; background: #333; text-transform: uppercase; }
      .badge.host { background: #e0245e; } .badge.guest { background: #7b3fe4; } .badge.private { background: #555; }
      .stage-head { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; }
      .stage-head h2 { flex: 1; margin: 0; }
      #invite { background: #2b1f4a; padding: 8px 12px; border-radius: 6px; margin: 10px 0; }
      #tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: 8px; margin: 12px 0; }
      .tile { position: relative; background: #000; border-radius: 6px; overflow: hidden; aspect-ratio: 16 / 9; }
      .tile video { width: 100%; height: 100%; object-fit: cover; }
      .tile.speaking { outline: 3px solid #4ade80; outline-offset: -3px; }
      .tile .label { position: absolute; left: 8px; bottom: 8px; background: rgba(0,0,0,.6); padding: 2px 8px;
                     border-radius: 4px; font-size: 13px; }
      #report-figures { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
      #report-figures dt { color: #aaa; } #report-figures dd { margin: 0; }
      #direct video { width: 100%; max-height: 60vh; margin-top: 12px; background: #000; border-radius: 6px; }
      #status { margin-top: 8px; font-size: 14px; }
      #error { margin-top: 4px; font-size: 14px; color: #ff6b6b; min-height: 1em; }
    </style>
    </head>
    <body>
    <main>
      <header>
        <h1>Chobi Live</h1>
        <div id="whoami" hidden><span id="whoami-name"></span> <button id="sign-out" class="small" type="button">Sign out</button></div>
      </header>

      <section id="account" class="panel">
        <h2>Sign in</h2>
        <form id="account-form" onsubmit="return false">
          <label>Username <input id="username" autocomplete="username"></label>
          <label>Password <input id="password" type="password" autocomplete="current-password"></label>
          <label>Display name <input id="display-name" autocomplete="nickname" placeholder="for a new account"></label>
          <button id="sign-in" class="secondary" type="button">Sign in</button>
          <button id="register" type="button">Create account</button>
        </form>
      </section>

      <section id="lobby" class="panel" hidden>
        <h2>Go live</h2>
        <form id="go-live-form" onsubmit="return false">
          <label>Title <input id="session-title" maxlength="120" placeholder="what is this stream about?"></label>
          <label class="inline"><input id="session-private" type="checkbox"> private (followers and invited)</label>
          <button id="go-live-app" type="button">Go live</button>
        </form>
        <h2>Live now <button id="refresh" class="small" type="button">Refresh</button></h2>
        <ul id="sessions"></ul>
        <button id="more-sessions" class="small" type="button" hidden>More live sessions</button>
        <p id="no-sessions" class="muted-note">Nobody is live right now.</p>
      </section>

      <section id="stage" class="panel" hidden>
        <div class="stage-head">
          <h2 id="stage-title"></h2>
          <span id="role-badge" class="badge"></span>
          <span>viewers <b id="viewer-count">0</b> · guests <b id="guest-count">0</b></span>
          <button id="follow-host" class="secondary small" type="button" hidden>Follow host</button>
          <button id="end-session" class="primary" type="button" hidden>End session</button>
          <button id="leave-session" type="button">Leave</button>
        </div>
        <div id="invite" hidden>
          The host invites you to co-host.
          <button id="accept-invite" class="primary small" type="button">Accept</button>
          <button id="decline-invite" class="small" type="button">Decline</button>
        </div>
        <div id="tiles"></div>
        <h2>Chat</h2>
        <ol id="chat-log"></ol>
        <!-- 300 UTF-16 units are at most 900 UTF-8 bytes: always under the relay's 1,000. -->
        <form id="chat-form">
          <input id="chat-text" autocomplete="off" maxlength="300" placeholder="Say something">
          <button id="chat-send" class="primary small" type="submit" disabled>Send</button>
        </form>
        <h2>People</h2>
        <ul id="people"></ul>
      </section>

      <section id="report" class="panel" hidden>
        <h2>Session ended</h2>
        <dl id="report-figures"></dl>
        <button id="back-to-lobby" type="button">Back to live sessions</button>
      </section>

      <div id="status">state: <span id="state">idle</span></div>
      <div id="error" role="alert"></div>

      <details id="direct" class="panel">
        <summary>Connect with a room token (WHIP / WHEP)</summary>
        <form id="form" onsubmit="return false">
          <label>Room <input id="room" autocomplete="off" placeholder="room name"></label>
          <label>Token <input id="token" autocomplete="off" placeholder="room token (JWT)"></label>
          <button id="live" type="button">Go live</button>
          <button id="watch" type="button">Watch</button>
          <button id="leave" type="button" disabled>Leave</button>
        </form>
        <video id="video" autoplay playsinline muted controls></video>
      </details>
    </main>
    <script src="/app.js"></script>
    <script src="/live.js"></script>
    </body>
    </html>
    """#
}
