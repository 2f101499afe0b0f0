import Foundation
import GRDB

// The reads behind analytics.getStreamStats and analytics.getHostStats: one read transaction
// each, every statement on an index (named beside it).
extension AnalyticsRepository {
    /// A session's analytics up to its end, or up to `now` while it is live.
    /// - Throws: `.sessionNotFound`.
    public func stream(sessionId: UUID, now: Date) async throws(StoreError) -> StreamAnalytics {
        try await pool.readValue { db in
            guard let session = try SessionRepository.session(db, id: sessionId) else {
                throw StoreError.sessionNotFound(sessionId)
            }
            let until = session.endedAt ?? max(now, session.startedAt)
            let key = sessionId.storeKey
            // session_participants_by_session
            let visits = try ParticipantVisit.fetchAll(
                db, sql: "SELECT * FROM session_participants WHERE session_id = ? AND role = 'viewer' ORDER BY joined_at, id",
                arguments: [key])
            // chat_messages_visible_by_session
            let messages = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM chat_messages WHERE session_id = ? AND kind = 'text' AND deleted_at IS NULL",
                arguments: [key]) ?? 0
            // chat_messages_text_by_author per viewer (author, session): no scan of the session's lines.
            let chatters = try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) FROM (SELECT DISTINCT user_id FROM session_participants
                                          WHERE session_id = :s AND role = 'viewer') v
                    WHERE EXISTS (SELECT 1 FROM chat_messages c
                                  WHERE c.author_id = v.user_id AND c.session_id = :s AND c.kind = 'text')
                    """,
                arguments: ["s": key]) ?? 0
            // gift_transactions_by_session
            let giftRow = try Row.fetchOne(
                db,
                sql: """
                    SELECT COALESCE(SUM(count), 0) AS gifts, COALESCE(SUM(total_coins), 0) AS coins,
                           COUNT(DISTINCT CASE WHEN sender_id IN (SELECT user_id FROM session_participants
                                                                  WHERE session_id = :s AND role = 'viewer')
                                               THEN sender_id END) AS gifters
                    FROM gift_transactions WHERE session_id = :s
                    """,
                arguments: ["s": key])
            let byGift = try Row.fetchAll(
                db,
                sql: """
                    SELECT g.gift_id, c.name, SUM(g.count) AS gifts, SUM(g.total_coins) AS coins,
                           COUNT(DISTINCT g.sender_id) AS senders
                    FROM gift_transactions g JOIN gifts c ON c.id = g.gift_id
                    WHERE g.session_id = ?
                    GROUP BY g.gift_id ORDER BY coins DESC, g.gift_id
                    """,
                arguments: [key]
            ).map { row in
                GiftTally(giftId: try row.decode(forColumn: "gift_id"), name: try row.decode(forColumn: "name"),
                          gifts: try row.decode(forColumn: "gifts"), coins: try row.decode(forColumn: "coins"),
                          senders: try row.decode(forColumn: "senders"))
            }
            // follows_followers_by_time (v6)
            let followers = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM follows WHERE followee_id = ? AND created_at >= ? AND created_at <= ?",
                arguments: [session.hostId.storeKey, session.startedAt.millisecondsSince1970, until.millisecondsSince1970]
            ) ?? 0
            return StreamAnalytics(
                session: session, until: until, viewerVisits: visits, messages: messages, chatters: chatters,
                gifters: try giftRow?.decode(forColumn: "gifters") ?? 0,
                gifts: try giftRow?.decode(forColumn: "gifts") ?? 0,
                giftCoins: try giftRow?.decode(forColumn: "coins") ?? 0,
                samples: try Self.samples(db, sessionId: sessionId),
                byCountry: try Self.breakdown(db, column: .country, sessionId: sessionId),
                byDevice: try Self.breakdown(db, column: .device, sessionId: sessionId),
                byOS: try Self.breakdown(db, column: .os, sessionId: sessionId),
                byBrowser: try Self.breakdown(db, column: .browser, sessionId: sessionId),
                giftsByGift: byGift,
                topGifters: try GiftRepository.leaders(db, side: .gifters, sessionId: sessionId, sinceMs: nil,
                                                       limit: Self.topGifterCount),
                followersGained: followers)
        }
    }

    /// What `hostId`'s sessions that started in `window` (milliseconds since 1970) add up to.
    /// Live ones count up to `now`.
    public func host(hostId: UUID, window: ClosedRange<Int64>, now: Date) async throws(StoreError) -> HostAnalytics {
        let nowMs = now.millisecondsSince1970
        return try await pool.readValue { db in
            let arguments: StatementArguments = [
                "host": hostId.storeKey, "from": window.lowerBound, "to": window.upperBound, "now": nowMs,
            ]
            // streaming_sessions_by_host (host_id, started_at) chooses the sessions; the rest of
            // each sum goes through the per-session indexes.
            let chosen = """
                SELECT id, started_at, COALESCE(ended_at, MAX(:now, started_at)) AS until_ms FROM streaming_sessions
                WHERE host_id = :host AND started_at >= :from AND started_at <= :to
                """
            var result = HostAnalytics()
            if let row = try Row.fetchOne(
                db,
                sql: """
                    WITH chosen AS (\(chosen))
                    SELECT COUNT(*) AS sessions, COALESCE(SUM(until_ms - started_at), 0) AS live_ms,
                           COALESCE(MAX((SELECT peak_viewers FROM session_stats WHERE session_id = chosen.id)), 0) AS peak,
                           COALESCE(SUM((SELECT COUNT(*) FROM chat_messages c WHERE c.session_id = chosen.id
                                         AND c.kind = 'text' AND c.deleted_at IS NULL)), 0) AS messages
                    FROM chosen
                    """,
                arguments: arguments) {
                result.sessions = try row.decode(forColumn: "sessions")
                result.liveMilliseconds = try row.decode(forColumn: "live_ms")
                result.peakViewers = try row.decode(forColumn: "peak")
                result.messages = try row.decode(forColumn: "messages")
            }
            if let row = try Row.fetchOne(
                db,
                sql: """
                    WITH chosen AS (\(chosen))
                    SELECT COUNT(DISTINCT p.user_id) AS unique_viewers,
                           COALESCE(SUM(MAX(0, MIN(COALESCE(p.left_at, chosen.until_ms), chosen.until_ms) - p.joined_at)), 0) AS watch_ms
                    FROM chosen JOIN session_participants p ON p.session_id = chosen.id AND p.role = 'viewer'
                    """,
                arguments: arguments) {
                result.uniqueViewers = try row.decode(forColumn: "unique_viewers")
                result.watchMilliseconds = try row.decode(forColumn: "watch_ms")
            }
            if let row = try Row.fetchOne(
                db,
                sql: """
                    WITH chosen AS (\(chosen))
                    SELECT COALESCE(SUM(g.count), 0) AS gifts, COALESCE(SUM(g.total_coins), 0) AS coins,
                           COALESCE(SUM(CASE WHEN g.recipient_id = :host THEN g.recipient_diamonds END), 0) AS diamonds
                    FROM chosen JOIN gift_transactions g ON g.session_id = chosen.id
                    """,
                arguments: arguments) {
                result.gifts = try row.decode(forColumn: "gifts")
                result.coins = try row.decode(forColumn: "coins")
                result.diamonds = try row.decode(forColumn: "diamonds")
            }
            result.followersGained = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM follows WHERE followee_id = ? AND created_at >= ? AND created_at <= ?",
                arguments: [hostId.storeKey, window.lowerBound, window.upperBound]) ?? 0
            return result
        }
    }

    enum BreakdownColumn: String {
        case country, device, os, browser
    }

    /// Distinct viewers per value of one facts column (a fixed name from the enum, never input),
    /// through session_viewer_facts_by_session.
    static func breakdown(_ db: Database, column: BreakdownColumn, sessionId: UUID) throws -> [BreakdownEntry] {
        try Row.fetchAll(
            db.cachedStatement(sql: """
                SELECT COALESCE(\(column.rawValue), 'unknown') AS key, COUNT(DISTINCT user_id) AS viewers
                FROM session_viewer_facts WHERE session_id = ? AND role = 'viewer'
                GROUP BY key ORDER BY viewers DESC, key
                """),
            arguments: [sessionId.storeKey]
        ).map { row in BreakdownEntry(key: try row.decode(forColumn: "key"), viewers: try row.decode(forColumn: "viewers")) }
    }
}
