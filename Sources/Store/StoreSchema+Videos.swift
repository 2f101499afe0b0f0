import GRDB

// v8: the video library. A video is a row from the moment an upload is announced (status
// `uploading`) or a recording starts (`processing`), so that the bytes on disk always belong to a
// row and can be found and removed with it. Counters (views, likes, comments, watch time) live on
// the row and change in the same transaction as the like, comment or view they count, so they are
// exact under any concurrency; the CHECKs keep them from going negative even if that rule broke.
// Search is an FTS5 index over title, description and tags, kept in sync by triggers (external
// content: the text is stored once, in `videos`).
extension StoreSchema {
    static func createV8Videos(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE video_categories (
                id         TEXT PRIMARY KEY NOT NULL,
                name       TEXT NOT NULL,
                sort_order INTEGER NOT NULL
            ) WITHOUT ROWID;

            -- seq: a stable integer key for the FTS index (an implicit rowid may change on VACUUM).
            CREATE TABLE videos (
                seq            INTEGER PRIMARY KEY AUTOINCREMENT,
                id             TEXT NOT NULL UNIQUE,
                owner_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                title          TEXT NOT NULL,
                description    TEXT NOT NULL DEFAULT '',
                category       TEXT REFERENCES video_categories(id),
                tags           TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
                visibility     TEXT NOT NULL CHECK (visibility IN ('public', 'followers', 'private')),
                status         TEXT NOT NULL CHECK (status IN ('uploading', 'processing', 'ready', 'failed')),
                source         TEXT NOT NULL CHECK (source IN ('upload', 'recording')),
                session_id     TEXT REFERENCES streaming_sessions(id) ON DELETE SET NULL,
                failure        TEXT,
                container      TEXT,
                video_codec    TEXT,
                audio_codec    TEXT,
                duration_ms    INTEGER CHECK (duration_ms IS NULL OR duration_ms >= 0),
                width          INTEGER,
                height         INTEGER,
                -- Bytes stored so far (an upload's acknowledged offset), and the total it announced.
                bytes          INTEGER NOT NULL DEFAULT 0 CHECK (bytes >= 0),
                expected_bytes INTEGER CHECK (expected_bytes IS NULL OR expected_bytes >= 0),
                file_path      TEXT,
                thumbnail_path TEXT,
                hls_path       TEXT,
                incomplete     INTEGER NOT NULL DEFAULT 0 CHECK (incomplete IN (0, 1)),
                view_count     INTEGER NOT NULL DEFAULT 0 CHECK (view_count >= 0),
                like_count     INTEGER NOT NULL DEFAULT 0 CHECK (like_count >= 0),
                comment_count  INTEGER NOT NULL DEFAULT 0 CHECK (comment_count >= 0),
                watch_seconds  INTEGER NOT NULL DEFAULT 0 CHECK (watch_seconds >= 0),
                created_at     INTEGER NOT NULL,
                updated_at     INTEGER NOT NULL
            );
            -- getVideos sort=recent (keyset by created_at DESC, id), all categories or one.
            CREATE INDEX videos_ready_recent ON videos(created_at DESC, id) WHERE status = 'ready';
            CREATE INDEX videos_ready_by_category ON videos(category, created_at DESC, id) WHERE status = 'ready';
            -- getVideos sort=popular (keyset by view_count DESC, created_at DESC, id).
            CREATE INDEX videos_ready_popular ON videos(view_count DESC, created_at DESC, id) WHERE status = 'ready';
            -- A user's videos (getVideos userId), and the foreign key's cascade from users.
            CREATE INDEX videos_by_owner ON videos(owner_id, created_at DESC, id);
            -- A session's recording, and the foreign key's SET NULL from streaming_sessions.
            CREATE INDEX videos_by_session ON videos(session_id) WHERE session_id IS NOT NULL;

            CREATE VIRTUAL TABLE videos_fts USING fts5(
                title, description, tags, content = 'videos', content_rowid = 'seq',
                tokenize = 'unicode61 remove_diacritics 2');
            CREATE TRIGGER videos_fts_insert AFTER INSERT ON videos BEGIN
                INSERT INTO videos_fts(rowid, title, description, tags)
                VALUES (new.seq, new.title, new.description, new.tags);
            END;
            CREATE TRIGGER videos_fts_delete AFTER DELETE ON videos BEGIN
                INSERT INTO videos_fts(videos_fts, rowid, title, description, tags)
                VALUES ('delete', old.seq, old.title, old.description, old.tags);
            END;
            CREATE TRIGGER videos_fts_update AFTER UPDATE OF title, description, tags ON videos BEGIN
                INSERT INTO videos_fts(videos_fts, rowid, title, description, tags)
                VALUES ('delete', old.seq, old.title, old.description, old.tags);
                INSERT INTO videos_fts(rowid, title, description, tags)
                VALUES (new.seq, new.title, new.description, new.tags);
            END;

            -- One like per user per video: the primary key is the rule.
            CREATE TABLE video_likes (
                video_id   TEXT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
                user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                created_at INTEGER NOT NULL,
                PRIMARY KEY (video_id, user_id)
            ) WITHOUT ROWID;
            CREATE INDEX video_likes_by_user ON video_likes(user_id);

            -- Soft delete: a deleted comment keeps its row (deleted_at) and leaves the count.
            CREATE TABLE video_comments (
                id         INTEGER PRIMARY KEY AUTOINCREMENT,
                video_id   TEXT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
                user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                body       TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                deleted_at INTEGER
            );
            -- getComments: a video's live comments, newest first by id.
            CREATE INDEX video_comments_by_video ON video_comments(video_id, id) WHERE deleted_at IS NULL;
            CREATE INDEX video_comments_by_user ON video_comments(user_id);

            -- A view: one row per viewer per video per hour (counted_at starts the hour); later
            -- recordView calls within the hour add watch time to it. viewer is 'u:<user id>' or
            -- 'a:<hash of the client address>' for the signed-out.
            CREATE TABLE video_views (
                video_id        TEXT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
                viewer          TEXT NOT NULL,
                counted_at      INTEGER NOT NULL,
                watched_seconds INTEGER NOT NULL DEFAULT 0 CHECK (watched_seconds >= 0),
                PRIMARY KEY (video_id, viewer, counted_at)
            ) WITHOUT ROWID;
            """)
        for (order, category) in VideoCategory.catalog.enumerated() {
            try db.execute(sql: "INSERT INTO video_categories (id, name, sort_order) VALUES (?, ?, ?)",
                           arguments: [category.id, category.name, (order + 1) * 10])
        }
    }
}
