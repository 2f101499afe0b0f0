import Foundation
import GRDB

/// The schema as an ordered list of migrations. A migration, once shipped, never changes: new
/// tables and columns come as a new migration appended here.
enum StoreSchema {
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: createV1)
        migrator.registerMigration("v2-heartbeat", migrate: createV2Heartbeat)
        // Deferred foreign-key checks (GRDB's default): the table is rebuilt under its children.
        migrator.registerMigration("v3-end-reasons", migrate: widenEndReasonsV3)
        migrator.registerMigration("v4-economy", migrate: createV4Economy)
        migrator.registerMigration("v5-gift-indexes", migrate: trimGiftIndexesV5)
        migrator.registerMigration("v6-profiles", migrate: createV6Profiles)
        migrator.registerMigration("v7-analytics", migrate: createV7Analytics)
        migrator.registerMigration("v8-videos", migrate: createV8Videos)
        migrator.registerMigration("v9-gift-totals", migrate: createV9GiftTotals)
        migrator.registerMigration("v10-ledger-checks", migrate: slimLedgerChecksV10)
        migrator.registerMigration("v11-top-gifters", migrate: storeTopGiftersV11)
        migrator.registerMigration("v12-chat-rebuild", migrate: rebuildChatV12)
        return migrator
    }()

    /// Refuses a database migrated by a newer binary, then applies the missing migrations (each in
    /// its own transaction; a second open of the same file applies nothing).
    static func migrate(_ pool: DatabasePool, path: String) throws(StoreError) {
        do {
            let applied = try pool.read { db in try migrator.appliedIdentifiers(db) }
            let known = Set(migrator.migrations)
            let unknown = applied.subtracting(known).sorted()
            guard unknown.isEmpty else {
                throw StoreError.newerSchema(path: path, unknownMigrations: unknown)
            }
            try migrator.migrate(pool)
        } catch {
            throw StoreError(error)
        }
    }

    // Booleans are 0/1 integers, times integer milliseconds since 1970, ids lowercase UUID text.
    // Each index names the query it serves.
    private static func createV1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE users (
                id            TEXT PRIMARY KEY NOT NULL,
                username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
                password_hash TEXT NOT NULL,
                display_name  TEXT NOT NULL,
                bio           TEXT,
                avatar_url    TEXT,
                is_private    INTEGER NOT NULL DEFAULT 0 CHECK (is_private IN (0, 1)),
                created_at    INTEGER NOT NULL
            );
            -- find(username:) and the UNIQUE constraint use the automatic index on username.

            CREATE TABLE streaming_sessions (
                id          TEXT PRIMARY KEY NOT NULL,
                host_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                title       TEXT NOT NULL,
                description TEXT,
                category    TEXT,
                is_private  INTEGER NOT NULL DEFAULT 0 CHECK (is_private IN (0, 1)),
                status      TEXT NOT NULL CHECK (status IN ('live', 'ended')),
                started_at  INTEGER NOT NULL,
                ended_at    INTEGER,
                end_reason  TEXT CHECK (end_reason IN ('host', 'orphaned')),
                CHECK ((status = 'live') = (ended_at IS NULL)),
                CHECK (ended_at IS NULL OR ended_at >= started_at)
            );
            -- One live session per host, even for writers that bypass the repository.
            CREATE UNIQUE INDEX streaming_sessions_one_live_per_host
                ON streaming_sessions(host_id) WHERE status = 'live';
            -- activeSessions (keyset pages by started_at DESC, id) and endOrphanedSessions.
            CREATE INDEX streaming_sessions_live_by_start
                ON streaming_sessions(started_at DESC, id) WHERE status = 'live';
            -- A host's sessions, and the foreign key's cascade from users.
            CREATE INDEX streaming_sessions_by_host
                ON streaming_sessions(host_id, started_at);

            CREATE TABLE session_participants (
                id         INTEGER PRIMARY KEY AUTOINCREMENT,
                session_id TEXT NOT NULL REFERENCES streaming_sessions(id) ON DELETE CASCADE,
                user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                role       TEXT NOT NULL CHECK (role IN ('host', 'guest', 'viewer')),
                joined_at  INTEGER NOT NULL,
                left_at    INTEGER,
                CHECK (left_at IS NULL OR left_at >= joined_at)
            );
            -- At most one open visit per user and session (a reconnect is not a second viewer);
            -- also serves "the open visit of this user".
            CREATE UNIQUE INDEX session_participants_one_open_visit
                ON session_participants(session_id, user_id) WHERE left_at IS NULL;
            -- Live viewer and guest counts (list, peak upkeep).
            CREATE INDEX session_participants_open_by_role
                ON session_participants(session_id, role) WHERE left_at IS NULL;
            -- Reports: distinct users and watch time per role; closing a session's open visits.
            CREATE INDEX session_participants_by_session
                ON session_participants(session_id, role, user_id);
            -- The foreign key's cascade from users.
            CREATE INDEX session_participants_by_user ON session_participants(user_id);

            CREATE TABLE follows (
                follower_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                followee_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                created_at  INTEGER NOT NULL,
                PRIMARY KEY (follower_id, followee_id),
                CHECK (follower_id <> followee_id)
            ) WITHOUT ROWID;
            -- Follower counts (the primary key serves following counts and isFollowing).
            CREATE INDEX follows_by_followee ON follows(followee_id, follower_id);

            CREATE TABLE session_stats (
                session_id          TEXT PRIMARY KEY NOT NULL
                                    REFERENCES streaming_sessions(id) ON DELETE CASCADE,
                peak_viewers        INTEGER NOT NULL DEFAULT 0,
                unique_viewers      INTEGER NOT NULL DEFAULT 0,
                total_watch_seconds INTEGER NOT NULL DEFAULT 0,
                guests              INTEGER NOT NULL DEFAULT 0,
                messages            INTEGER NOT NULL DEFAULT 0,
                gifts               INTEGER NOT NULL DEFAULT 0,
                updated_at          INTEGER NOT NULL
            );

            CREATE TABLE session_invites (
                session_id TEXT NOT NULL REFERENCES streaming_sessions(id) ON DELETE CASCADE,
                user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                status     TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'removed')),
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (session_id, user_id)
            ) WITHOUT ROWID;
            -- Accepted-guest counts per session use the primary key prefix; a user's pending
            -- invites and the foreign key's cascade use this one.
            CREATE INDEX session_invites_by_user ON session_invites(user_id, status);

            CREATE TABLE session_bans (
                session_id TEXT NOT NULL REFERENCES streaming_sessions(id) ON DELETE CASCADE,
                user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                created_at INTEGER NOT NULL,
                PRIMARY KEY (session_id, user_id)
            ) WITHOUT ROWID;
            CREATE INDEX session_bans_by_user ON session_bans(user_id);
            """)
    }

    // One row: when the running server last said it was alive. After a crash, sessions left live
    // are ended at that time rather than at the next start, which may be hours later.
    private static func createV2Heartbeat(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE server_heartbeat (
                id       INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
                alive_at INTEGER NOT NULL
            );
            """)
    }

    // SQLite cannot change a CHECK constraint in place: rebuild streaming_sessions the way its
    // documentation prescribes (new table, copy, drop, rename, indexes again) with foreign keys
    // off during the migration, so the participants, stats, invites and bans that reference it
    // stay attached. The definition is v1's with two more end reasons.
    private static func widenEndReasonsV3(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE new_streaming_sessions (
                id          TEXT PRIMARY KEY NOT NULL,
                host_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                title       TEXT NOT NULL,
                description TEXT,
                category    TEXT,
                is_private  INTEGER NOT NULL DEFAULT 0 CHECK (is_private IN (0, 1)),
                status      TEXT NOT NULL CHECK (status IN ('live', 'ended')),
                started_at  INTEGER NOT NULL,
                ended_at    INTEGER,
                end_reason  TEXT CHECK (end_reason IN ('host', 'host_left', 'server_shutdown', 'orphaned')),
                CHECK ((status = 'live') = (ended_at IS NULL)),
                CHECK (ended_at IS NULL OR ended_at >= started_at)
            );
            INSERT INTO new_streaming_sessions
                (id, host_id, title, description, category, is_private, status, started_at, ended_at, end_reason)
                SELECT id, host_id, title, description, category, is_private, status, started_at, ended_at, end_reason
                FROM streaming_sessions;
            DROP TABLE streaming_sessions;
            ALTER TABLE new_streaming_sessions RENAME TO streaming_sessions;
            CREATE UNIQUE INDEX streaming_sessions_one_live_per_host
                ON streaming_sessions(host_id) WHERE status = 'live';
            CREATE INDEX streaming_sessions_live_by_start
                ON streaming_sessions(started_at DESC, id) WHERE status = 'live';
            CREATE INDEX streaming_sessions_by_host
                ON streaming_sessions(host_id, started_at);
            """)
    }
}
