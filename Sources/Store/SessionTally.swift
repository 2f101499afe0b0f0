import Foundation
import GRDB

/// The numbers of a session's report, counted from its visits (unique viewers, watch time,
/// guests), its chat and gifts, and its stats row (peak, which is kept up as viewers join).
struct SessionTally: Sendable, Equatable {
    /// Gifters a report names.
    static let topGifterCount = 3

    var peakViewers = 0
    var uniqueViewers = 0
    var totalWatchMilliseconds: Int64 = 0
    var guests = 0
    var messages = 0
    var gifts = 0
    // Not in session_stats: counted from gift_transactions whenever a report is made (gifts
    // cannot come after the end, so an ended session's numbers never change). `messages` is
    // counted from chat_messages the same way (the stats column is no longer written).
    var giftCoins: Int64 = 0
    var topGifters: [LeaderboardEntry] = []

    var totalWatchSeconds: Int { Int(totalWatchMilliseconds / 1000) }

    /// Counts the visits of `sessionId`, treating visits still open as ending at `untilMs`.
    static func count(_ db: Database, sessionId: UUID, untilMs: Int64) throws -> SessionTally {
        var tally = try stored(db, sessionId: sessionId) ?? SessionTally()
        try tally.countChatAndGifts(db, sessionId: sessionId)
        guard let row = try Row.fetchOne(
            db,
            sql: """
                SELECT
                    COUNT(DISTINCT CASE WHEN role = 'viewer' THEN user_id END) AS unique_viewers,
                    COALESCE(SUM(CASE WHEN role = 'viewer'
                                      THEN MAX(0, COALESCE(left_at, :until) - joined_at) END), 0) AS watch_ms,
                    COUNT(DISTINCT CASE WHEN role = 'guest' THEN user_id END) AS guests
                FROM session_participants
                WHERE session_id = :session
                """,
            arguments: ["until": untilMs, "session": sessionId.storeKey])
        else { return tally }
        tally.uniqueViewers = try row.decode(forColumn: "unique_viewers")
        tally.totalWatchMilliseconds = try row.decode(forColumn: "watch_ms")
        tally.guests = try row.decode(forColumn: "guests")
        return tally
    }

    /// Sets the chat and gift numbers from the session's kept lines and gift transactions.
    mutating func countChatAndGifts(_ db: Database, sessionId: UUID) throws {
        messages = try Int.fetchOne(
            db,
            sql: "SELECT COUNT(*) FROM chat_messages WHERE session_id = ? AND kind = 'text' AND deleted_at IS NULL",
            arguments: [sessionId.storeKey]) ?? 0
        if let row = try Row.fetchOne(
            db,
            sql: """
                SELECT COALESCE(SUM(count), 0) AS gifts, COALESCE(SUM(total_coins), 0) AS coins
                FROM gift_transactions WHERE session_id = ?
                """,
            arguments: [sessionId.storeKey]) {
            gifts = try row.decode(forColumn: "gifts")
            giftCoins = try row.decode(forColumn: "coins")
        }
        topGifters = try GiftRepository.leaders(db, side: .gifters, sessionId: sessionId, sinceMs: nil,
                                                limit: Self.topGifterCount)
    }

    /// The stats row as last written.
    static func stored(_ db: Database, sessionId: UUID) throws -> SessionTally? {
        guard let row = try Row.fetchOne(
            db,
            sql: """
                SELECT peak_viewers, unique_viewers, total_watch_seconds, guests, messages, gifts
                FROM session_stats WHERE session_id = ?
                """,
            arguments: [sessionId.storeKey])
        else { return nil }
        let watchSeconds: Int64 = try row.decode(forColumn: "total_watch_seconds")
        return SessionTally(
            peakViewers: try row.decode(forColumn: "peak_viewers"),
            uniqueViewers: try row.decode(forColumn: "unique_viewers"),
            totalWatchMilliseconds: watchSeconds * 1000,
            guests: try row.decode(forColumn: "guests"),
            messages: try row.decode(forColumn: "messages"),
            gifts: try row.decode(forColumn: "gifts"))
    }

    /// Writes these numbers as the session's stats row.
    func save(_ db: Database, sessionId: UUID, nowMs: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO session_stats
                    (session_id, peak_viewers, unique_viewers, total_watch_seconds, guests, messages, gifts, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (session_id) DO UPDATE SET
                    peak_viewers = excluded.peak_viewers,
                    unique_viewers = excluded.unique_viewers,
                    total_watch_seconds = excluded.total_watch_seconds,
                    guests = excluded.guests,
                    messages = excluded.messages,
                    gifts = excluded.gifts,
                    updated_at = excluded.updated_at
                """,
            arguments: [sessionId.storeKey, peakViewers, uniqueViewers, totalWatchSeconds, guests, messages, gifts,
                        nowMs])
    }

    /// Raises the stored peak to the number of viewers there now.
    static func raisePeak(_ db: Database, sessionId: UUID, nowMs: Int64) throws {
        try db.execute(
            sql: """
                UPDATE session_stats SET
                    peak_viewers = MAX(peak_viewers, (
                        SELECT COUNT(*) FROM session_participants
                        WHERE session_id = :session AND role = 'viewer' AND left_at IS NULL)),
                    updated_at = :now
                WHERE session_id = :session
                """,
            arguments: ["session": sessionId.storeKey, "now": nowMs])
    }

    func report(for session: StreamingSession, untilMs: Int64) -> SessionReport {
        let durationMs = max(0, untilMs - session.startedAt.millisecondsSince1970)
        return SessionReport(
            sessionId: session.id, hostId: session.hostId, status: session.status, startedAt: session.startedAt,
            endedAt: session.endedAt, endReason: session.endReason,
            durationSeconds: Int(durationMs / 1000), peakViewers: peakViewers, uniqueViewers: uniqueViewers,
            totalWatchSeconds: totalWatchSeconds,
            averageWatchSeconds: uniqueViewers == 0 ? 0 : Double(totalWatchSeconds) / Double(uniqueViewers),
            guests: guests, messages: messages, gifts: gifts, giftCoins: giftCoins, topGifters: topGifters)
    }
}
