import GRDB

// v7: analytics. A time series per live session (one row per session per sampler tick) and the
// facts each viewer brought when they asked to join (device, OS, browser, country). Both are
// written in batches by the sampler, never on a chat line's or a gift's path.
extension StoreSchema {
    static func createV7Analytics(_ db: Database) throws {
        try db.execute(sql: """
            -- Counts in the interval that ends at sampled_at (viewers: there at that instant).
            -- The primary key is the session's series in time order.
            CREATE TABLE session_samples (
                session_id TEXT NOT NULL REFERENCES streaming_sessions(id) ON DELETE CASCADE,
                sampled_at INTEGER NOT NULL,
                viewers    INTEGER NOT NULL CHECK (viewers >= 0),
                chat_lines INTEGER NOT NULL CHECK (chat_lines >= 0),
                gifts      INTEGER NOT NULL CHECK (gifts >= 0),
                coins      INTEGER NOT NULL CHECK (coins >= 0),
                PRIMARY KEY (session_id, sampled_at)
            ) WITHOUT ROWID;

            -- One row per join (streaming.joinSession): a viewer who joins twice from two
            -- devices has two rows; breakdowns count distinct users per value.
            CREATE TABLE session_viewer_facts (
                id              INTEGER PRIMARY KEY,
                session_id      TEXT NOT NULL REFERENCES streaming_sessions(id) ON DELETE CASCADE,
                user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                role            TEXT NOT NULL CHECK (role IN ('host', 'guest', 'viewer')),
                device          TEXT NOT NULL CHECK (device IN ('mobile', 'tablet', 'desktop', 'tv', 'bot', 'unknown')),
                os              TEXT,
                os_version      TEXT,
                browser         TEXT,
                browser_version TEXT,
                country         TEXT CHECK (country IS NULL OR length(country) = 2),
                joined_at       INTEGER NOT NULL
            );
            -- A session's breakdowns (by country, device, OS, browser) among its viewers.
            CREATE INDEX session_viewer_facts_by_session ON session_viewer_facts(session_id, role, user_id);
            -- The foreign key's cascade from users.
            CREATE INDEX session_viewer_facts_by_user ON session_viewer_facts(user_id);
            -- Followers a host gained in a time range use v6's follows_followers_by_time.
            """)
    }
}
