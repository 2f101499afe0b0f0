extension WebClient {
    /// `index.html`: a form (room, token), Go live / Watch / Leave, the video, state and errors.
    /// Query `?room=&token=&mode=host|watch&autostart=1` fills the form and starts (for tests).
    static let page = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Chobi Live</title>
    <style>
      body { font-family: system-ui, sans-serif; margin: 0; background: #111; color: #eee; }
      main { max-width: 960px; margin: 0 auto; padding: 16px; }
      h1 { font-size: 20px; margin: 0 0 12px; }
      form { display: flex; flex-wrap: wrap; gap: 8px; align-items: end; }
      label { display: flex; flex-direction: column; font-size: 12px; gap: 4px; }
      input { padding: 6px 8px; border-radius: 4px; border: 1px solid #444; background: #222; color: #eee; }
      #token { width: 360px; }
      button { padding: 7px 14px; border: 0; border-radius: 4px; cursor: pointer; font-weight: 600; }
      button:disabled { opacity: .4; cursor: default; }
      #live { background: #e0245e; color: #fff; }
      #watch { background: #1d9bf0; color: #fff; }
      #leave { background: #555; color: #fff; }
      video { width: 100%; max-height: 70vh; margin-top: 12px; background: #000; border-radius: 6px; }
      #status { margin-top: 8px; font-size: 14px; }
      #error { margin-top: 4px; font-size: 14px; color: #ff6b6b; min-height: 1em; }
    </style>
    </head>
    <body>
    <main>
      <h1>Chobi Live</h1>
      <form id="form" onsubmit="return false">
        <label>Room <input id="room" autocomplete="off" placeholder="room name"></label>
        <label>Token <input id="token" autocomplete="off" placeholder="room token (JWT)"></label>
        <button id="live" type="button">Go live</button>
        <button id="watch" type="button">Watch</button>
        <button id="leave" type="button" disabled>Leave</button>
      </form>
      <div id="status">state: <span id="state">idle</span></div>
      <div id="error" role="alert"></div>
      <video id="video" autoplay playsinline muted controls></video>
    </main>
    <script src="/app.js"></script>
    </body>
    </html>
    """#
}
