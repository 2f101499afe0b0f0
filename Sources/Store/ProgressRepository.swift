import Foundation
import GRDB

/// Levels, badges, statistics and settings (`users.getProfile`, `users.getAchievements`).
///
/// `evaluate` is the only writer of rewards. It reads the user's facts in a read transaction (the
/// sums can cover thousands of rows; readers never hold up the writer), then in one short write
/// transaction stores what is new: badges by primary key, the level only if it rose, and one
/// notification each by dedupe key. Evaluating again, concurrently or after a restart, finds
/// nothing new and writes nothing, so every reward is given exactly once.
public struct ProgressRepository: Sendable {
    let pool: DatabasePool

    /// A user's facts as of `now` (a live session and open visits count up to `now`).
    public func facts(userId: UUID, now: Date) async throws(StoreError) -> ProgressFacts {
        let nowMs = now.millisecondsSince1970
        return try await pool.readValue { db in try Self.facts(db, userId: userId, nowMs: nowMs) }
    }

    /// Stores the rewards `userId`'s facts earn and were not given yet (see the type).
    /// - Parameter notification: the JSON `data` of the level_up or achievement notification.
    public func evaluate(userId: UUID, now: Date,
                         notification: @escaping @Sendable (ProgressReward) -> String) async throws(StoreError)
        -> ProgressUpdate
    {
        let nowMs = now.millisecondsSince1970
        let (facts, gifts) = try await pool.readValue { db in try Self.factsAndGiftTotals(db, userId: userId, nowMs: nowMs) }
        let standing = LevelStanding(experience: Progress.experience(for: facts))
        let earned = Achievement.catalog.filter { $0.isEarned(by: facts) }
        return try await pool.writeValue { db in
            guard try UserRepository.user(db, id: userId) != nil else { throw StoreError.userNotFound(userId) }
            try Self.store(gifts, db, userId: userId)
            var notifications: [UserNotification] = []
            var newBadges: [Achievement] = []
            for achievement in earned {
                try db.cachedStatement(sql: """
                    INSERT INTO user_badges (user_id, achievement_id, awarded_at) VALUES (?, ?, ?)
                    ON CONFLICT DO NOTHING
                    """).execute(arguments: [userId.storeKey, achievement.id, nowMs])
                guard db.changesCount == 1 else { continue }
                newBadges.append(achievement)
                let draft = NotificationDraft(userId: userId, kind: .achievement,
                                              data: notification(.achievement(achievement)),
                                              dedupeKey: "achievement:\(achievement.id)")
                if let stored = try NotificationRepository.insert(db, draft, nowMs: nowMs) { notifications.append(stored) }
            }
            let told = try Int.fetchOne(db.cachedStatement(sql: "SELECT level FROM user_levels WHERE user_id = ?"),
                                        arguments: [userId.storeKey])
            try db.cachedStatement(sql: """
                INSERT INTO user_levels (user_id, level, xp, updated_at) VALUES (:user, :level, :xp, :now)
                ON CONFLICT (user_id) DO UPDATE SET level = MAX(level, excluded.level), xp = excluded.xp,
                                                    updated_at = excluded.updated_at
                """).execute(arguments: ["user": userId.storeKey, "level": standing.level, "xp": standing.experience,
                                         "now": nowMs])
            // Level 1 is where everyone starts: no news. A level is announced once (dedupe key),
            // and never again after a dip (a live session's time is counted up to now).
            var levelUp: Int?
            if standing.level > (told ?? 1) {
                levelUp = standing.level
                let draft = NotificationDraft(userId: userId, kind: .levelUp, data: notification(.levelUp(standing.level)),
                                              dedupeKey: "level_up:\(standing.level)")
                if let stored = try NotificationRepository.insert(db, draft, nowMs: nowMs) { notifications.append(stored) }
            }
            return ProgressUpdate(userId: userId, facts: facts, standing: standing, levelUp: levelUp, newBadges: newBadges,
                                  notifications: notifications)
        }
    }

    /// The user's badges, in catalog order.
    public func badges(userId: UUID) async throws(StoreError) -> [UserBadge] {
        try await pool.readValue { db in
            try Row.fetchAll(
                db.cachedStatement(sql: """
                    SELECT a.id, a.name, a.description, a.icon, b.awarded_at FROM user_badges b
                    JOIN achievements a ON a.id = b.achievement_id
                    WHERE b.user_id = ? ORDER BY a.sort_order
                    """),
                arguments: [userId.storeKey]
            ).map { row in
                UserBadge(achievement: Achievement(id: row["id"], name: row["name"], description: row["description"],
                                                   icon: row["icon"]),
                          awardedAt: Date(millisecondsSince1970: row["awarded_at"]))
            }
        }
    }

    /// The catalog as stored, in display order.
    public func achievements() async throws(StoreError) -> [Achievement] {
        try await pool.readValue { db in
            try Row.fetchAll(db, sql: "SELECT id, name, description, icon FROM achievements ORDER BY sort_order").map {
                Achievement(id: $0["id"], name: $0["name"], description: $0["description"], icon: $0["icon"])
            }
        }
    }

    /// Everyone who took part in the session or gave a gift in it, and its host: whose rewards its
    /// end may change (time watched and live, the session's top gifter).
    public func members(sessionId: UUID) async throws(StoreError) -> [UUID] {
        try await pool.readValue { db in
            try String.fetchAll(db, sql: """
                SELECT user_id FROM session_participants WHERE session_id = :s
                UNION SELECT sender_id FROM gift_transactions WHERE session_id = :s
                UNION SELECT host_id FROM streaming_sessions WHERE id = :s
                """, arguments: ["s": sessionId.storeKey])
                .map { try UUID.stored($0, column: "users.id") }
        }
    }

    // MARK: - Settings

    public func settings(userId: UUID) async throws(StoreError) -> UserSettings {
        try await pool.readValue { db in try Self.settings(db, userId: userId) }
    }

    /// Changes the settings given (nil keeps one); returns them all afterwards.
    public func updateSettings(userId: UUID, isPrivate: Bool?, invitePolicy: InvitePolicy?, now: Date)
        async throws(StoreError) -> UserSettings
    {
        try await pool.writeValue { db in
            guard try UserRepository.user(db, id: userId) != nil else { throw StoreError.userNotFound(userId) }
            if let isPrivate {
                try db.execute(sql: "UPDATE users SET is_private = ? WHERE id = ?", arguments: [isPrivate, userId.storeKey])
            }
            if let invitePolicy {
                try db.execute(
                    sql: """
                        INSERT INTO user_settings (user_id, invite_policy, updated_at) VALUES (?, ?, ?)
                        ON CONFLICT (user_id) DO UPDATE SET invite_policy = excluded.invite_policy,
                                                            updated_at = excluded.updated_at
                        """,
                    arguments: [userId.storeKey, invitePolicy.rawValue, now.millisecondsSince1970])
            }
            return try Self.settings(db, userId: userId)
        }
    }

    // MARK: - Statements

    static func settings(_ db: Database, userId: UUID) throws -> UserSettings {
        guard let isPrivate = try Bool.fetchOne(db, sql: "SELECT is_private FROM users WHERE id = ?",
                                                arguments: [userId.storeKey]) else {
            throw StoreError.userNotFound(userId)
        }
        let policy = try String.fetchOne(db, sql: "SELECT invite_policy FROM user_settings WHERE user_id = ?",
                                         arguments: [userId.storeKey])
        return UserSettings(isPrivate: isPrivate, invitePolicy: policy.flatMap(InvitePolicy.init(rawValue:)) ?? .everyone,
                            notifications: try NotificationRepository.preferences(db, userId: userId))
    }

    /// A user's gift sums: the stored ones (v9, `progress_gift_totals`) and the ledger entries
    /// after them. Only a gift moves a coins account down or a diamonds account up, and each such
    /// entry's transaction is one gift record, whose count is the units.
    static func giftTotals(_ db: Database, userId: UUID) throws -> GiftTotals {
        var totals = try Row.fetchOne(
            db.cachedStatement(sql: """
                SELECT through_entry, gifts_sent, coins_spent, gifts_received, diamonds_earned
                FROM progress_gift_totals WHERE user_id = ?
                """),
            arguments: [userId.storeKey]).map { row in
                GiftTotals(throughEntry: row[0], giftsSent: row[1], coinsSpent: row[2], giftsReceived: row[3],
                           diamondsEarned: row[4])
            } ?? GiftTotals()
        // accounts (user_id, kind), then ledger_entries_by_account from the stored id on, then the
        // gift by its ledger transaction: a range of what is new, not the user's history.
        let entries = try Row.fetchCursor(
            db.cachedStatement(sql: """
                SELECT e.id, e.amount, a.kind, g.count
                FROM accounts a
                JOIN ledger_entries e ON e.account_id = a.id AND e.id > :through
                JOIN gift_transactions g ON g.ledger_transaction_id = e.transaction_id
                WHERE a.user_id = :user AND a.kind IN ('coins', 'diamonds')
                """),
            arguments: ["user": userId.storeKey, "through": totals.throughEntry])
        while let entry = try entries.next() {
            let (id, amount, kind, count): (Int64, Int64, String, Int) = (entry[0], entry[1], entry[2], entry[3])
            totals.throughEntry = max(totals.throughEntry, id)
            if kind == BalanceKind.coins.rawValue, amount < 0 {
                totals.giftsSent += count
                totals.coinsSpent -= amount
            } else if kind == BalanceKind.diamonds.rawValue, amount > 0 {
                totals.giftsReceived += count
                totals.diamondsEarned += amount
            }
        }
        return totals
    }

    /// Keeps `totals` for the next evaluation, unless one that saw more got there first.
    static func store(_ totals: GiftTotals, _ db: Database, userId: UUID) throws {
        try db.cachedStatement(sql: """
            INSERT INTO progress_gift_totals
                (user_id, through_entry, gifts_sent, coins_spent, gifts_received, diamonds_earned)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE SET
                through_entry = excluded.through_entry, gifts_sent = excluded.gifts_sent,
                coins_spent = excluded.coins_spent, gifts_received = excluded.gifts_received,
                diamonds_earned = excluded.diamonds_earned
            WHERE excluded.through_entry > progress_gift_totals.through_entry
            """).execute(arguments: [userId.storeKey, totals.throughEntry, totals.giftsSent, totals.coinsSpent,
                                     totals.giftsReceived, totals.diamondsEarned])
    }

    static func facts(_ db: Database, userId: UUID, nowMs: Int64) throws -> ProgressFacts {
        try factsAndGiftTotals(db, userId: userId, nowMs: nowMs).facts
    }

    static func factsAndGiftTotals(_ db: Database, userId: UUID, nowMs: Int64) throws
        -> (facts: ProgressFacts, gifts: GiftTotals)
    {
        let user = userId.storeKey
        var facts = ProgressFacts()
        let (followers, following) = try UserRepository.followCounts(db, userId: userId)
        (facts.followers, facts.following) = (followers, following)
        if let row = try Row.fetchOne(
            db.cachedStatement(sql: """
                SELECT COUNT(*) AS n, COALESCE(SUM(MAX(0, COALESCE(ended_at, :now) - started_at)), 0) AS ms
                FROM streaming_sessions WHERE host_id = :user
                """),
            arguments: ["user": user, "now": nowMs]) {
            facts.streams = row["n"]
            facts.liveMilliseconds = row["ms"]
        }
        facts.watchMilliseconds = try Int64.fetchOne(
            db.cachedStatement(sql: """
                SELECT COALESCE(SUM(MAX(0, COALESCE(left_at, :now) - joined_at)), 0) FROM session_participants
                WHERE user_id = :user AND role IN ('viewer', 'guest')
                """),
            arguments: ["user": user, "now": nowMs]) ?? 0
        facts.chatLines = try Int.fetchOne(
            db.cachedStatement(sql: "SELECT COUNT(*) FROM chat_messages WHERE author_id = ? AND kind = 'text'"),
            arguments: [user]) ?? 0
        let gifts = try giftTotals(db, userId: userId)
        facts.giftsSent = gifts.giftsSent
        facts.coinsSpent = gifts.coinsSpent
        facts.giftsReceived = gifts.giftsReceived
        facts.diamondsEarned = gifts.diamondsEarned
        // Set when each session ended (v11), ties to the smaller user id as on leaderboards.
        facts.topGifterSessions = try Int.fetchOne(
            db.cachedStatement(sql: "SELECT COUNT(*) FROM session_stats WHERE top_gifter_id = ?"),
            arguments: [user]) ?? 0
        return (facts, gifts)
    }
}

/// A user's gift sums as of a ledger entry (every entry up to `throughEntry` counted).
struct GiftTotals: Equatable {
    var throughEntry: Int64 = 0
    var giftsSent = 0
    var coinsSpent: Int64 = 0
    var giftsReceived = 0
    var diamondsEarned: Int64 = 0
}

/// Why a reward notification is written (its `data` comes from the caller).
public enum ProgressReward: Sendable, Equatable {
    case levelUp(Int)
    case achievement(Achievement)
}

/// Who may invite a user on stage as a guest.
public enum InvitePolicy: String, Sendable, Codable, CaseIterable {
    case everyone
    /// Only hosts the user follows.
    case following
    case nobody
}

/// A user's settings (`users.getSettings`, `users.updateSettings`).
public struct UserSettings: Sendable, Equatable {
    public var isPrivate: Bool
    public var invitePolicy: InvitePolicy
    public var notifications: [NotificationKind: Bool]
}
