import Foundation
import GRDB

extension Store {
    /// Session time series, viewer facts, and the reads behind `analytics.*`.
    public var analytics: AnalyticsRepository { AnalyticsRepository(pool: pool) }
}

/// Writes and reads analytics. Writing is the sampler's: one transaction per tick for every live
/// session at once. Counting is from rows that exist anyway (visits, chat lines, gift
/// transactions), so chat and gifts pay nothing extra for it.
public struct AnalyticsRepository: Sendable {
    let pool: DatabasePool

    /// Top gifters a stream's analytics names.
    public static let topGifterCount = 10

    /// What one sampler tick did, and what the next one starts from.
    public struct SampleRound: Sendable, Equatable {
        /// Highest chat line id counted so far: the next tick counts the lines above it.
        public var chatWatermark: Int64
        /// Sessions live at this tick: next tick, those that have ended get their final sample.
        public var liveSessions: Set<UUID>
        public var samplesWritten: Int
        public var factsWritten: Int
    }

    /// Where a sampler that starts now begins counting chat lines: after every line there is
    /// (lines of sessions a previous run left live belong to sessions that are over).
    public func chatWatermark() async throws(StoreError) -> Int64 {
        try await pool.readValue { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM chat_messages") ?? 0 }
    }

    /// Writes `facts`, then one sample at `now` for each live session and one final sample, at
    /// its end, for each session that was live at the previous tick (`previouslyLive`) or had
    /// activity since it but is not live any more. Chat lines and gifts are those whose chat
    /// line id is in (`watermark`, the highest id now]: ids are handed out in commit order, so
    /// no line is counted twice or missed, whatever the clocks of the writers said.
    public func sample(at now: Date, previouslyLive: Set<UUID>, chatAfter watermark: Int64,
                       facts: [ViewerFacts] = []) async throws(StoreError) -> SampleRound {
        let nowMs = now.millisecondsSince1970
        return try await pool.writeValue { db in
            try Self.insert(facts, db)
            let top = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM chat_messages") ?? 0
            let activity = try Self.activity(db, after: watermark, upTo: max(top, watermark))
            let live = try String.fetchAll(db, sql: "SELECT id FROM streaming_sessions WHERE status = 'live'")
                .compactMap(UUID.init(uuidString:))
            var written = 0
            for session in live {
                let viewers = try Int.fetchOne(
                    db.cachedStatement(sql: """
                        SELECT COUNT(*) FROM session_participants
                        WHERE session_id = ? AND role = 'viewer' AND left_at IS NULL
                        """),
                    arguments: [session.storeKey]) ?? 0
                try Self.insertSample(db, session: session, atMs: nowMs, viewers: viewers, activity: activity[session])
                written += 1
            }
            let liveSet = Set(live)
            let over = previouslyLive.union(activity.keys).subtracting(liveSet)
            for session in over.sorted(by: { $0.uuidString < $1.uuidString }) {
                guard let endedMs = try Int64.fetchOne(
                    db, sql: "SELECT ended_at FROM streaming_sessions WHERE id = ?", arguments: [session.storeKey])
                else { continue }
                try Self.insertSample(db, session: session, atMs: endedMs, viewers: 0, activity: activity[session])
                written += 1
            }
            return SampleRound(chatWatermark: max(top, watermark), liveSessions: liveSet, samplesWritten: written,
                               factsWritten: facts.count)
        }
    }

    /// Writes facts outside a tick (the stats procedure flushes what is pending before reading).
    public func record(_ facts: [ViewerFacts]) async throws(StoreError) {
        guard !facts.isEmpty else { return }
        try await pool.writeValue { db in try Self.insert(facts, db) }
    }

    /// A session's series, oldest first.
    public func samples(sessionId: UUID) async throws(StoreError) -> [SessionSample] {
        try await pool.readValue { db in try Self.samples(db, sessionId: sessionId) }
    }

    /// Every facts row of a session, in the order they were recorded.
    public func facts(sessionId: UUID) async throws(StoreError) -> [ViewerFacts] {
        try await pool.readValue { db in
            try Row.fetchAll(db, sql: "SELECT * FROM session_viewer_facts WHERE session_id = ? ORDER BY id",
                             arguments: [sessionId.storeKey]).map(Self.facts(row:))
        }
    }

    // MARK: - Statements

    typealias Activity = (lines: Int, gifts: Int, coins: Int64)

    /// Chat lines and gifts per session among the chat lines (after, upTo]. A gift writes its chat
    /// line in its own transaction with the same session and time, so the gift is found from its
    /// line through gift_transactions_by_session (session, created_at) without a scan.
    static func activity(_ db: Database, after: Int64, upTo: Int64) throws -> [UUID: Activity] {
        guard upTo > after else { return [:] }
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: """
                SELECT c.session_id AS session_id,
                       SUM(c.kind = 'text') AS lines,
                       COALESCE(SUM(g.count), 0) AS gifts,
                       COALESCE(SUM(g.total_coins), 0) AS coins
                FROM chat_messages c
                LEFT JOIN gift_transactions g
                    ON c.kind = 'gift' AND g.session_id = c.session_id AND g.created_at = c.created_at
                   AND g.chat_message_id = c.id
                WHERE c.id > ? AND c.id <= ?
                GROUP BY c.session_id
                """),
            arguments: [after, upTo])
        var activity: [UUID: Activity] = [:]
        for row in rows {
            guard let session = UUID(uuidString: try row.decode(forColumn: "session_id")) else { continue }
            activity[session] = (try row.decode(forColumn: "lines"), try row.decode(forColumn: "gifts"),
                                 try row.decode(forColumn: "coins"))
        }
        return activity
    }

    /// A sample; a second one at the same instant (a session that ended exactly at a tick) adds up.
    static func insertSample(_ db: Database, session: UUID, atMs: Int64, viewers: Int, activity: Activity?) throws {
        try db.execute(
            sql: """
                INSERT INTO session_samples (session_id, sampled_at, viewers, chat_lines, gifts, coins)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (session_id, sampled_at) DO UPDATE SET
                    viewers = excluded.viewers,
                    chat_lines = chat_lines + excluded.chat_lines,
                    gifts = gifts + excluded.gifts,
                    coins = coins + excluded.coins
                """,
            arguments: [session.storeKey, atMs, viewers, activity?.lines ?? 0, activity?.gifts ?? 0,
                        activity?.coins ?? 0])
    }

    /// Facts of sessions or users that no longer exist are dropped, not fatal: a join can race
    /// nothing here (sessions and users are not deleted), but a batch must not fail whole for one.
    static func insert(_ facts: [ViewerFacts], _ db: Database) throws {
        for fact in facts {
            try db.execute(
                sql: """
                    INSERT INTO session_viewer_facts
                        (session_id, user_id, role, device, os, os_version, browser, browser_version, country, joined_at)
                    SELECT :session, :user, :role, :device, :os, :osVersion, :browser, :browserVersion, :country, :at
                    WHERE EXISTS (SELECT 1 FROM streaming_sessions WHERE id = :session)
                      AND EXISTS (SELECT 1 FROM users WHERE id = :user)
                    """,
                arguments: ["session": fact.sessionId.storeKey, "user": fact.userId.storeKey, "role": fact.role.rawValue,
                            "device": DeviceValue.valid(fact.device), "os": fact.os, "osVersion": fact.osVersion,
                            "browser": fact.browser, "browserVersion": fact.browserVersion,
                            "country": fact.country.flatMap { $0.utf8.count == 2 ? $0 : nil },
                            "at": fact.joinedAt.millisecondsSince1970])
        }
    }

    static func samples(_ db: Database, sessionId: UUID) throws -> [SessionSample] {
        try SessionSample.fetchAll(
            db, sql: "SELECT * FROM session_samples WHERE session_id = ? ORDER BY sampled_at",
            arguments: [sessionId.storeKey])
    }

    static func facts(row: Row) throws -> ViewerFacts {
        let role: String = try row.decode(forColumn: "role")
        return ViewerFacts(
            sessionId: try UUID.stored(try row.decode(forColumn: "session_id"), column: "session_viewer_facts.session_id"),
            userId: try UUID.stored(try row.decode(forColumn: "user_id"), column: "session_viewer_facts.user_id"),
            role: ParticipantRole(rawValue: role) ?? .viewer,
            device: try row.decode(forColumn: "device"),
            os: try row.decode(forColumn: "os"), osVersion: try row.decode(forColumn: "os_version"),
            browser: try row.decode(forColumn: "browser"), browserVersion: try row.decode(forColumn: "browser_version"),
            country: try row.decode(forColumn: "country"),
            joinedAt: Date(millisecondsSince1970: try row.decode(forColumn: "joined_at")))
    }
}

/// The device classes the schema accepts; anything else is stored as "unknown".
enum DeviceValue {
    static let all: Set<String> = ["mobile", "tablet", "desktop", "tv", "bot", "unknown"]
    static func valid(_ text: String) -> String { all.contains(text) ? text : "unknown" }
}
