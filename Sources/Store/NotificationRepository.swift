import Foundation
import GRDB

/// One batch of a fan-out: how many it stored, and the user ids it covered, (after, last].
public struct FanOutBatch: Sendable, Equatable {
    public var stored: Int
    public var after: String
    /// Nil when the batch reached the end (no more batches).
    public var last: String?

    public var next: String? { last }

    /// Whether `userId` falls in this batch's range.
    public func covers(_ userId: UUID) -> Bool {
        let key = userId.storeKey
        return key > after && (last.map { key <= $0 } ?? true)
    }
}

/// Notifications (`notifications.*`): stored per user with read state, preferences per kind.
/// Fan-out to many users (a host's followers, everyone) goes in batches the caller drives, so
/// that no single transaction holds the writer for long.
public struct NotificationRepository: Sendable {
    let pool: DatabasePool

    public static let defaultPageSize = 20
    public static let maxPageSize = 100

    /// Stores each draft whose user has its kind on and whose dedupe key is new for that user.
    /// - Returns: the notifications stored, in draft order (skipped drafts are left out).
    public func insert(_ drafts: [NotificationDraft], now: Date) async throws(StoreError) -> [UserNotification] {
        guard !drafts.isEmpty else { return [] }
        let nowMs = now.millisecondsSince1970
        return try await pool.writeValue { db in try drafts.compactMap { try Self.insert(db, $0, nowMs: nowMs) } }
    }

    /// One batch of a fan-out to `host`'s followers: the next `limit` of them by follower id after
    /// `after`, in one INSERT … SELECT (SQLite walks the follows index; no row goes through Swift).
    /// Loop with the returned `next` until it is nil; `users` says whose ids the batch covered, for
    /// `stored(dedupeKey:userIds:)`.
    public func fanOutToFollowers(of hostId: UUID, kind: NotificationKind, data: String, dedupeKey: String,
                                  after: String?, limit: Int, now: Date) async throws(StoreError) -> FanOutBatch
    {
        try await fanOut(source: "SELECT follower_id AS user_id FROM follows WHERE followee_id = :owner",
                         owner: hostId.storeKey, kind: kind, data: data, dedupeKey: dedupeKey, after: after,
                         limit: limit, now: now)
    }

    /// One batch of a fan-out to every user (an admin's `system` announcement).
    public func fanOutToEveryone(kind: NotificationKind, data: String, dedupeKey: String, after: String?, limit: Int,
                                 now: Date) async throws(StoreError) -> FanOutBatch
    {
        try await fanOut(source: "SELECT id AS user_id FROM users WHERE :owner IS NULL", owner: nil, kind: kind,
                         data: data, dedupeKey: dedupeKey, after: after, limit: limit, now: now)
    }

    /// `source` is a fixed SELECT of `user_id`s (never caller text), filtered by `:owner`.
    private func fanOut(source: String, owner: String?, kind: NotificationKind, data: String, dedupeKey: String,
                        after: String?, limit: Int, now: Date) async throws(StoreError) -> FanOutBatch
    {
        let limit = max(1, limit)
        let nowMs = now.millisecondsSince1970
        return try await pool.writeValue { db in
            // The batch's last user id: the range (after, last] is what this transaction writes.
            let last = try String.fetchOne(
                db.cachedStatement(sql: "SELECT user_id FROM (\(source)) WHERE user_id > :after ORDER BY user_id LIMIT 1 OFFSET :skip"),
                arguments: ["owner": owner, "after": after ?? "", "skip": limit - 1])
            try db.cachedStatement(sql: """
                INSERT INTO notifications (user_id, kind, data, dedupe_key, created_at)
                SELECT s.user_id, :kind, :data, :key, :now FROM (\(source)) s
                WHERE s.user_id > :after AND (:last IS NULL OR s.user_id <= :last)
                  AND NOT EXISTS (SELECT 1 FROM notification_preferences p
                                  WHERE p.user_id = s.user_id AND p.kind = :kind AND p.enabled = 0)
                ON CONFLICT (user_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
                """).execute(arguments: ["owner": owner, "kind": kind.rawValue, "data": data, "key": dedupeKey,
                                         "now": nowMs, "after": after ?? "", "last": last])
            return FanOutBatch(stored: db.changesCount, after: after ?? "", last: last)
        }
    }

    /// The notifications with `dedupeKey` of those `userIds` that have one (a fan-out's rows for
    /// the users who are online).
    public func stored(dedupeKey: String, userIds: [UUID]) async throws(StoreError) -> [UserNotification] {
        guard !userIds.isEmpty else { return [] }
        return try await pool.readValue { db in
            let statement = try db.cachedStatement(sql: "SELECT * FROM notifications WHERE user_id = ? AND dedupe_key = ?")
            return try userIds.compactMap { try UserNotification.fetchOne(statement, arguments: [$0.storeKey, dedupeKey]) }
        }
    }

    /// The user's notifications, newest first: `limit` (1...`maxPageSize`) older than `cursor`.
    public func page(userId: UUID, cursor: Int64? = nil, limit: Int = NotificationRepository.defaultPageSize,
                     unreadOnly: Bool = false) async throws(StoreError) -> NotificationPage {
        let limit = min(max(limit, 1), Self.maxPageSize)
        return try await pool.readValue { db in
            // Literal `read_at IS NULL` so that SQLite may use the partial index.
            let sql = unreadOnly
                ? "SELECT * FROM notifications WHERE user_id = ? AND read_at IS NULL AND id < ? ORDER BY id DESC LIMIT ?"
                : "SELECT * FROM notifications WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?"
            var rows = try UserNotification.fetchAll(
                db.cachedStatement(sql: sql), arguments: [userId.storeKey, cursor ?? Int64.max, limit + 1])
            var next: Int64?
            if rows.count > limit {
                rows.removeLast(rows.count - limit)
                next = rows.last?.id
            }
            return NotificationPage(notifications: rows, nextCursor: next, unreadCount: try Self.unreadCount(db, userId: userId))
        }
    }

    /// Marks the user's notifications `ids` (all of them when nil) read; others' ids are ignored.
    /// - Returns: the unread count afterwards.
    public func markRead(userId: UUID, ids: [Int64]?, now: Date) async throws(StoreError) -> Int {
        let nowMs = now.millisecondsSince1970
        return try await pool.writeValue { db in
            if let ids {
                let update = try db.cachedStatement(
                    sql: "UPDATE notifications SET read_at = ? WHERE id = ? AND user_id = ? AND read_at IS NULL")
                for id in ids { try update.execute(arguments: [nowMs, id, userId.storeKey]) }
            } else {
                try db.execute(sql: "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL",
                               arguments: [nowMs, userId.storeKey])
            }
            return try Self.unreadCount(db, userId: userId)
        }
    }

    public func unreadCount(userId: UUID) async throws(StoreError) -> Int {
        try await pool.readValue { db in try Self.unreadCount(db, userId: userId) }
    }

    /// Every kind with whether the user receives it (on unless they turned it off).
    public func preferences(userId: UUID) async throws(StoreError) -> [NotificationKind: Bool] {
        try await pool.readValue { db in try Self.preferences(db, userId: userId) }
    }

    /// Turns kinds on or off for the user; kinds left out keep their setting.
    /// - Returns: every kind's setting afterwards.
    public func setPreferences(userId: UUID, _ changes: [NotificationKind: Bool]) async throws(StoreError)
        -> [NotificationKind: Bool]
    {
        try await pool.writeValue { db in
            guard try UserRepository.user(db, id: userId) != nil else { throw StoreError.userNotFound(userId) }
            for (kind, enabled) in changes {
                try db.execute(
                    sql: """
                        INSERT INTO notification_preferences (user_id, kind, enabled) VALUES (?, ?, ?)
                        ON CONFLICT (user_id, kind) DO UPDATE SET enabled = excluded.enabled
                        """,
                    arguments: [userId.storeKey, kind.rawValue, enabled])
            }
            return try Self.preferences(db, userId: userId)
        }
    }

    /// How many notifications of `kind` carry `dedupeKey`, across all users (tests and operators
    /// checking a fan-out).
    public func count(kind: NotificationKind, dedupeKey: String) async throws(StoreError) -> Int {
        try await pool.readValue { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM notifications WHERE kind = ? AND dedupe_key = ?",
                             arguments: [kind.rawValue, dedupeKey]) ?? 0
        }
    }

    // MARK: - Statements shared with other repositories

    /// Stores one draft unless its kind is off for the user or its key was used; nil when skipped.
    static func insert(_ db: Database, _ draft: NotificationDraft, nowMs: Int64) throws -> UserNotification? {
        try db.cachedStatement(sql: """
            INSERT INTO notifications (user_id, kind, data, dedupe_key, created_at)
            SELECT :user, :kind, :data, :key, :now
            WHERE NOT EXISTS (SELECT 1 FROM notification_preferences
                              WHERE user_id = :user AND kind = :kind AND enabled = 0)
            ON CONFLICT (user_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
            """).execute(arguments: ["user": draft.userId.storeKey, "kind": draft.kind.rawValue, "data": draft.data,
                                     "key": draft.dedupeKey, "now": nowMs])
        guard db.changesCount == 1 else { return nil }
        return UserNotification(id: db.lastInsertedRowID, userId: draft.userId, kind: draft.kind, data: draft.data,
                                createdAt: Date(millisecondsSince1970: nowMs), readAt: nil)
    }

    static func unreadCount(_ db: Database, userId: UUID) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL"),
                         arguments: [userId.storeKey]) ?? 0
    }

    static func preferences(_ db: Database, userId: UUID) throws -> [NotificationKind: Bool] {
        var result = Dictionary(uniqueKeysWithValues: NotificationKind.allCases.map { ($0, true) })
        for row in try Row.fetchAll(db, sql: "SELECT kind, enabled FROM notification_preferences WHERE user_id = ?",
                                    arguments: [userId.storeKey]) {
            if let kind = NotificationKind(rawValue: row["kind"]) { result[kind] = row["enabled"] }
        }
        return result
    }
}
