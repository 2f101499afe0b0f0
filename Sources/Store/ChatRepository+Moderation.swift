import Foundation
import GRDB

// Moderation of a session's chat: appointed moderators, mutes, slow mode, and what the API needs
// to enforce them. The host is never a target: they run the room.
extension ChatRepository {
    /// Appoints (`on`) or dismisses a moderator. Doing what is already so is not an error.
    /// - Returns: true when something changed.
    /// - Throws: `.sessionNotFound`, `.sessionEnded`, `.hostCannotBeTarget`, `.userNotFound`
    ///   (`userId` or `by`).
    @discardableResult
    public func setModerator(sessionId: UUID, userId: UUID, on: Bool, by: UUID, now: Date) async throws(StoreError)
        -> Bool
    {
        try await pool.writeValue { db in
            try Self.checkTarget(db, sessionId: sessionId, userId: userId, by: by)
            if on {
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO chat_moderators (session_id, user_id, appointed_by, created_at)
                        VALUES (?, ?, ?, ?)
                        """,
                    arguments: [sessionId.storeKey, userId.storeKey, by.storeKey, now.millisecondsSince1970])
            } else {
                try db.execute(sql: "DELETE FROM chat_moderators WHERE session_id = ? AND user_id = ?",
                               arguments: [sessionId.storeKey, userId.storeKey])
            }
            return db.changesCount > 0
        }
    }

    /// Whether the host appointed `userId` to moderate (false for the host themselves).
    public func isModerator(sessionId: UUID, userId: UUID) async throws(StoreError) -> Bool {
        try await pool.readValue { db in try Self.isModerator(db, sessionId: sessionId, userId: userId) }
    }

    /// The session's moderators, in the order they were appointed.
    public func moderators(sessionId: UUID) async throws(StoreError) -> [ChatModerator] {
        try await pool.readValue { db in
            try ChatModerator.fetchAll(
                db,
                sql: """
                    SELECT c.user_id, u.username, u.display_name, c.appointed_by, c.created_at
                    FROM chat_moderators c JOIN users u ON u.id = c.user_id
                    WHERE c.session_id = ?
                    ORDER BY c.created_at, c.user_id
                    """,
                arguments: [sessionId.storeKey])
        }
    }

    /// Mutes `userId` in the session until `until`, replacing an earlier mute. An `until` at or
    /// before `now` lifts the mute (the API's "0 seconds" is `until == now`).
    /// - Returns: when the mute now ends, nil when lifted.
    /// - Throws: `.sessionNotFound`, `.sessionEnded`, `.hostCannotBeTarget`, `.userNotFound`
    ///   (`userId` or `by`).
    @discardableResult
    public func mute(sessionId: UUID, userId: UUID, until: Date, by: UUID, now: Date) async throws(StoreError)
        -> Date?
    {
        let nowMs = now.millisecondsSince1970
        let untilMs = until.millisecondsSince1970
        return try await pool.writeValue { db in
            try Self.checkTarget(db, sessionId: sessionId, userId: userId, by: by)
            guard untilMs > nowMs else {
                try db.execute(sql: "DELETE FROM chat_mutes WHERE session_id = ? AND user_id = ?",
                               arguments: [sessionId.storeKey, userId.storeKey])
                return nil
            }
            try db.execute(
                sql: """
                    INSERT INTO chat_mutes (session_id, user_id, until, muted_by, created_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (session_id, user_id) DO UPDATE SET
                        until = excluded.until, muted_by = excluded.muted_by, created_at = excluded.created_at
                    """,
                arguments: [sessionId.storeKey, userId.storeKey, untilMs, by.storeKey, nowMs])
            return Date(millisecondsSince1970: untilMs)
        }
    }

    /// When `userId`'s mute in the session ends, or nil when they are not muted at `now`.
    public func mutedUntil(sessionId: UUID, userId: UUID, now: Date) async throws(StoreError) -> Date? {
        try await pool.readValue { db in
            try Self.mutedUntil(db, sessionId: sessionId, userId: userId, nowMs: now.millisecondsSince1970)
        }
    }

    /// Sets the session's slow mode: a user may post one text line per `seconds` (0 turns it off).
    /// - Throws: `.invalidInput` (negative), `.sessionNotFound`, `.sessionEnded`.
    public func setSlowMode(sessionId: UUID, seconds: Int, now: Date) async throws(StoreError) {
        guard seconds >= 0 else { throw .invalidInput("seconds: slow mode cannot be negative") }
        try await pool.writeValue { db in
            _ = try SessionRepository.liveSession(db, id: sessionId)
            try db.execute(
                sql: """
                    INSERT INTO chat_settings (session_id, slow_mode_seconds, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT (session_id) DO UPDATE SET
                        slow_mode_seconds = excluded.slow_mode_seconds, updated_at = excluded.updated_at
                    """,
                arguments: [sessionId.storeKey, seconds, now.millisecondsSince1970])
        }
    }

    /// The session's slow mode in seconds, 0 when off (also for unknown sessions).
    public func slowMode(sessionId: UUID) async throws(StoreError) -> Int {
        try await pool.readValue { db in try Self.slowMode(db, sessionId: sessionId) }
    }

    /// When `authorId` last posted a text line in the session (gift and system lines do not count;
    /// deleted lines do).
    public func lastMessageAt(sessionId: UUID, authorId: UUID) async throws(StoreError) -> Date? {
        try await pool.readValue { db in try Self.lastMessageAt(db, sessionId: sessionId, authorId: authorId) }
    }

    /// Everything `post` needs checked for `userId` at `now`, read at once.
    public func standing(sessionId: UUID, userId: UUID, now: Date) async throws(StoreError) -> ChatStanding {
        try await pool.readValue { db in
            ChatStanding(
                isModerator: try Self.isModerator(db, sessionId: sessionId, userId: userId),
                mutedUntil: try Self.mutedUntil(db, sessionId: sessionId, userId: userId,
                                                nowMs: now.millisecondsSince1970),
                slowModeSeconds: try Self.slowMode(db, sessionId: sessionId),
                lastMessageAt: try Self.lastMessageAt(db, sessionId: sessionId, authorId: userId))
        }
    }

    // MARK: - Statements

    /// A moderation action on `userId` needs a live session, a target other than the host, and
    /// both users to exist.
    private static func checkTarget(_ db: Database, sessionId: UUID, userId: UUID, by: UUID) throws {
        let session = try SessionRepository.liveSession(db, id: sessionId)
        guard userId != session.hostId else { throw StoreError.hostCannotBeTarget }
        for id in [userId, by] where try UserRepository.user(db, id: id) == nil {
            throw StoreError.userNotFound(id)
        }
    }

    static func isModerator(_ db: Database, sessionId: UUID, userId: UUID) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM chat_moderators WHERE session_id = ? AND user_id = ?)"),
            arguments: [sessionId.storeKey, userId.storeKey]) ?? false
    }

    static func mutedUntil(_ db: Database, sessionId: UUID, userId: UUID, nowMs: Int64) throws -> Date? {
        try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT until FROM chat_mutes WHERE session_id = ? AND user_id = ? AND until > ?"),
            arguments: [sessionId.storeKey, userId.storeKey, nowMs]).map(Date.init(millisecondsSince1970:))
    }

    static func slowMode(_ db: Database, sessionId: UUID) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(sql: "SELECT slow_mode_seconds FROM chat_settings WHERE session_id = ?"),
            arguments: [sessionId.storeKey]) ?? 0
    }

    static func lastMessageAt(_ db: Database, sessionId: UUID, authorId: UUID) throws -> Date? {
        // chat_messages_text_by_author: MAX is one index probe.
        try Int64.fetchOne(
            db.cachedStatement(sql: """
                SELECT MAX(created_at) FROM chat_messages WHERE author_id = ? AND session_id = ? AND kind = 'text'
                """),
            arguments: [authorId.storeKey, sessionId.storeKey]).map(Date.init(millisecondsSince1970:))
    }
}
