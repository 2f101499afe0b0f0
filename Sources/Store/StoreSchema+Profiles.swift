import GRDB

// v6: what the app keeps around a user. Levels and badges, settings, and notifications.
// Experience is not stored as a running total that events add to: it is computed from the facts
// the store already keeps (visits, chat lines, gifts, sessions; see `Progress`), so an event that
// is replayed, or a process killed between a fact and its reward, can neither count twice nor be
// lost. What is stored is what must happen once: a badge (primary key), the level a user was last
// told about, and each notification (a dedupe key per user where an event may be seen twice).
extension StoreSchema {
    static func createV6Profiles(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE achievements (
                id          TEXT PRIMARY KEY NOT NULL,
                name        TEXT NOT NULL,
                description TEXT NOT NULL,
                icon        TEXT NOT NULL,
                sort_order  INTEGER NOT NULL
            ) WITHOUT ROWID;

            -- Awarded once: the primary key is the rule, not the code that awards.
            CREATE TABLE user_badges (
                user_id        TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                achievement_id TEXT NOT NULL REFERENCES achievements(id),
                awarded_at     INTEGER NOT NULL,
                PRIMARY KEY (user_id, achievement_id)
            ) WITHOUT ROWID;
            CREATE TRIGGER user_badges_never_updated BEFORE UPDATE ON user_badges
            BEGIN SELECT RAISE(ABORT, 'badges are never updated'); END;

            -- The level the user was last told about (a level_up goes out when it rises).
            CREATE TABLE user_levels (
                user_id    TEXT PRIMARY KEY NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                level      INTEGER NOT NULL CHECK (level >= 1),
                xp         INTEGER NOT NULL CHECK (xp >= 0),
                updated_at INTEGER NOT NULL
            ) WITHOUT ROWID;

            -- A row only for users who changed a default (everyone may invite; every kind on).
            CREATE TABLE user_settings (
                user_id       TEXT PRIMARY KEY NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                invite_policy TEXT NOT NULL DEFAULT 'everyone' CHECK (invite_policy IN ('everyone', 'following', 'nobody')),
                updated_at    INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE notification_preferences (
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                kind    TEXT NOT NULL,
                enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
                PRIMARY KEY (user_id, kind)
            ) WITHOUT ROWID;

            -- AUTOINCREMENT: ids page a user's list and are never reused.
            CREATE TABLE notifications (
                id         INTEGER PRIMARY KEY AUTOINCREMENT,
                user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                kind       TEXT NOT NULL CHECK (kind IN ('new_follower', 'gift_received', 'went_live', 'new_comment',
                                                         'level_up', 'achievement', 'system')),
                data       TEXT NOT NULL CHECK (json_valid(data)),
                dedupe_key TEXT,
                created_at INTEGER NOT NULL,
                read_at    INTEGER
            );
            -- A user's list, newest first by id.
            CREATE INDEX notifications_by_user ON notifications(user_id, id);
            -- The unread count and the unread-only list.
            CREATE INDEX notifications_unread_by_user ON notifications(user_id, id) WHERE read_at IS NULL;
            -- An event seen twice (a replayed went_live, a badge re-evaluated) notifies once.
            CREATE UNIQUE INDEX notifications_once ON notifications(user_id, dedupe_key) WHERE dedupe_key IS NOT NULL;

            -- users.search: display names by prefix (usernames have their UNIQUE NOCASE index).
            CREATE INDEX users_by_display_name ON users(display_name COLLATE NOCASE);
            -- Who follows whom, newest first, for the follower and following lists.
            CREATE INDEX follows_followers_by_time ON follows(followee_id, created_at, follower_id);
            CREATE INDEX follows_following_by_time ON follows(follower_id, created_at, followee_id);
            """)
        for (order, achievement) in Achievement.catalog.enumerated() {
            try db.execute(
                sql: "INSERT INTO achievements (id, name, description, icon, sort_order) VALUES (?, ?, ?, ?, ?)",
                arguments: [achievement.id, achievement.name, achievement.description, achievement.icon, (order + 1) * 10])
        }
    }
}
