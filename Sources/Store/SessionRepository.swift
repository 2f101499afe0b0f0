import Foundation
import GRDB

/// Live sessions (`streaming.*`): going live, the public list, ending and reports. Presence
/// (join/leave) and co-hosting (invites, bans) are in the extensions beside this file.
/// Authorization is the caller's: e.g. the API checks that whoever ends a session is its host.
public struct SessionRepository: Sendable {
    let pool: DatabasePool

    /// Guests a session may have at once unless the caller says otherwise.
    public static let defaultMaxGuests = 8
    /// Largest page `activeSessions` returns.
    public static let maxPageSize = 100

    /// Starts a live session for `hostId`.
    /// - Throws: `.userNotFound`; `.hostAlreadyLive` when the host has a live session, also when
    ///   two creates race (the partial UNIQUE index lets only one commit).
    public func create(hostId: UUID, title: String, description: String? = nil, category: String? = nil,
                       isPrivate: Bool = false, now: Date, id: UUID = UUID()) async throws(StoreError)
        -> StreamingSession
    {
        let session = StreamingSession(id: id, hostId: hostId, title: title, description: description,
                                       category: category, isPrivate: isPrivate, startedAt: now.truncatedToMilliseconds)
        return try await pool.writeValue { db in
            guard try UserRepository.user(db, id: hostId) != nil else { throw StoreError.userNotFound(hostId) }
            if let existing = try String.fetchOne(
                db, sql: "SELECT id FROM streaming_sessions WHERE host_id = ? AND status = 'live'",
                arguments: [hostId.storeKey]) {
                throw StoreError.hostAlreadyLive(hostId: hostId, sessionId: UUID(uuidString: existing))
            }
            let startedMs = session.startedAt.millisecondsSince1970
            do {
                try db.execute(
                    sql: """
                        INSERT INTO streaming_sessions
                            (id, host_id, title, description, category, is_private, status, started_at)
                        VALUES (?, ?, ?, ?, ?, ?, 'live', ?)
                        """,
                    arguments: [id.storeKey, hostId.storeKey, title, description, category, isPrivate, startedMs])
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                throw StoreError.hostAlreadyLive(hostId: hostId, sessionId: nil)
            }
            try SessionTally().save(db, sessionId: id, nowMs: startedMs)
            return session
        }
    }

    public func find(id: UUID) async throws(StoreError) -> StreamingSession? {
        try await pool.readValue { db in try Self.session(db, id: id) }
    }

    /// A page of live sessions, newest first (ties by id), with host and live counts. Private
    /// sessions appear only when `admittedUser` is their host, follows their host, or was invited;
    /// sessions `admittedUser` is banned from do not appear.
    /// - Parameter limit: clamped to 1...`maxPageSize`.
    public func activeSessions(after cursor: SessionCursor? = nil, limit: Int = 20,
                               admittedUser: UUID? = nil) async throws(StoreError) -> SessionPage {
        let limit = min(max(limit, 1), Self.maxPageSize)
        return try await pool.readValue { db in
            var arguments: StatementArguments = ["user": admittedUser?.storeKey, "limit": limit + 1]
            let sql: String
            if let cursor {
                sql = Self.activeSessionsAfterCursorSQL
                arguments += ["ms": cursor.startedAt.millisecondsSince1970, "id": cursor.id.storeKey]
            } else {
                sql = Self.activeSessionsFirstPageSQL
            }
            // Cached: the list is the API's busiest query, and preparing it anew each call cost
            // more than running it (tools/bench api).
            var sessions = try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map(Self.summary(row:))
            var next: SessionCursor?
            if sessions.count > limit {
                sessions.removeLast(sessions.count - limit)
                if let last = sessions.last { next = SessionCursor(startedAt: last.startedAt, id: last.id) }
            }
            return SessionPage(sessions: sessions, nextCursor: next)
        }
    }

    /// Ends a live session at `now`: closes every open visit at that time, marks the session
    /// ended, and computes and stores its stats.
    /// - Throws: `.sessionNotFound`, `.sessionEnded` (already ended).
    public func end(sessionId: UUID, reason: EndReason = .host, now: Date) async throws(StoreError) -> SessionReport {
        try await pool.writeValue { db in
            let session = try Self.liveSession(db, id: sessionId)
            return try Self.end(db, session: session, reason: reason, nowMs: now.millisecondsSince1970)
        }
    }

    /// Records that the server is alive at `now` (a running server calls this every few seconds),
    /// so sessions a crash leaves live can be ended when the server actually stopped.
    public func recordServerAlive(now: Date) async throws(StoreError) {
        try await pool.writeValue { db in
            try db.execute(
                sql: "INSERT INTO server_heartbeat (id, alive_at) VALUES (1, :ms) ON CONFLICT (id) DO UPDATE SET alive_at = :ms",
                arguments: ["ms": now.millisecondsSince1970])
        }
    }

    /// Ends every session still live at start-up (after a crash nobody is connected any more),
    /// with reason `.orphaned`, and returns their reports, oldest first. Each ends when the server
    /// was last known to run it: the later of the last heartbeat (`recordServerAlive`) and the
    /// session's last join or leave, never after `now`; at `now` when no heartbeat was recorded.
    public func endOrphanedSessions(now: Date) async throws(StoreError) -> [SessionReport] {
        let nowMs = now.millisecondsSince1970
        return try await pool.writeValue { db in
            guard let aliveMs = try Int64.fetchOne(db, sql: "SELECT alive_at FROM server_heartbeat WHERE id = 1") else {
                return try Self.endLive(db) { _ in nowMs }
            }
            return try Self.endLive(db) { session in
                let activityMs = try Int64.fetchOne(
                    db, sql: "SELECT MAX(MAX(joined_at, COALESCE(left_at, 0))) FROM session_participants WHERE session_id = ?",
                    arguments: [session.id.storeKey]) ?? 0
                return min(nowMs, max(aliveMs, activityMs))
            }
        }
    }

    /// Ends every live session at `now` with reason `.serverShutdown` (the server is stopping:
    /// their media goes with it) and returns their reports, oldest first.
    public func endLiveSessions(now: Date) async throws(StoreError) -> [SessionReport] {
        let nowMs = now.millisecondsSince1970
        return try await pool.writeValue { db in try Self.endLive(db, reason: .serverShutdown) { _ in nowMs } }
    }

    /// Ends, at `now` with reason `.hostLeft`, every live session whose host has had no
    /// connection since before `cutoff`: they left then (their last visit closed before it), or
    /// never came (the session started before it and they have no visit). A host back in time
    /// keeps the session. Returns the reports, oldest first.
    public func endAbandonedSessions(hostAbsentSince cutoff: Date, now: Date) async throws(StoreError)
        -> [SessionReport]
    {
        let cutoffMs = cutoff.millisecondsSince1970
        let nowMs = now.millisecondsSince1970
        return try await pool.writeValue { db in
            let abandoned = try StreamingSession.fetchAll(
                db.cachedStatement(sql: Self.abandonedSessionsSQL), arguments: ["cutoff": cutoffMs])
            return try abandoned.map { session in try Self.end(db, session: session, reason: .hostLeft, nowMs: nowMs) }
        }
    }

    private static func endLive(_ db: Database, reason: EndReason = .orphaned,
                                at endMs: (StreamingSession) throws -> Int64) throws -> [SessionReport] {
        let live = try StreamingSession.fetchAll(
            db, sql: "SELECT * FROM streaming_sessions WHERE status = 'live' ORDER BY started_at DESC, id")
        return try live.reversed().map { session in
            try end(db, session: session, reason: reason, nowMs: try endMs(session))
        }
    }

    // Live sessions (streaming_sessions_live_by_start) whose host has no open visit
    // (session_participants_one_open_visit) and whose host's last leave, or the start when the
    // host never joined, is before the cutoff (session_participants_by_session).
    private static let abandonedSessionsSQL = """
        SELECT s.* FROM streaming_sessions s
        WHERE s.status = 'live'
          AND NOT EXISTS (SELECT 1 FROM session_participants p
                          WHERE p.session_id = s.id AND p.user_id = s.host_id AND p.left_at IS NULL)
          AND COALESCE((SELECT MAX(p.left_at) FROM session_participants p
                        WHERE p.session_id = s.id AND p.role = 'host' AND p.user_id = s.host_id),
                       s.started_at) < :cutoff
        ORDER BY s.started_at, s.id
        """

    /// The report of a session: as stored for an ended one, counted up to `now` for a live one.
    /// - Throws: `.sessionNotFound`.
    public func report(sessionId: UUID, now: Date) async throws(StoreError) -> SessionReport {
        try await pool.readValue { db in
            guard let session = try Self.session(db, id: sessionId) else { throw StoreError.sessionNotFound(sessionId) }
            if let endedAt = session.endedAt {
                let endMs = endedAt.millisecondsSince1970
                guard var tally = try SessionTally.stored(db, sessionId: sessionId) else {
                    return try SessionTally.count(db, sessionId: sessionId, untilMs: endMs)
                        .report(for: session, untilMs: endMs)
                }
                try tally.countChatAndGifts(db, sessionId: sessionId)
                return tally.report(for: session, untilMs: endMs)
            }
            let nowMs = now.millisecondsSince1970
            return try SessionTally.count(db, sessionId: sessionId, untilMs: nowMs).report(for: session, untilMs: nowMs)
        }
    }

    // MARK: - Statements

    static func session(_ db: Database, id: UUID) throws -> StreamingSession? {
        // Every gift and chat line reads its session first: through the C API, columns by position.
        let read = try RawStatement(db, """
            SELECT host_id, title, description, category, is_private, status, started_at, ended_at, end_reason
            FROM streaming_sessions WHERE id = ?
            """)
        read.bind(1, id)
        return try read.first { row in
            guard let status = SessionStatus(rawValue: row.text(5)) else {
                throw StoreError.corruptRow("streaming_sessions.status")
            }
            var reason: EndReason?
            if let text = row.textOrNil(8) {
                guard let value = EndReason(rawValue: text) else { throw StoreError.corruptRow("streaming_sessions.end_reason") }
                reason = value
            }
            return StreamingSession(
                id: id, hostId: try UUID.stored(row.text(0), column: "streaming_sessions.host_id"), title: row.text(1),
                description: row.textOrNil(2), category: row.textOrNil(3), isPrivate: row.int64(4) != 0, status: status,
                startedAt: Date(millisecondsSince1970: row.int64(6)),
                endedAt: row.int64OrNil(7).map(Date.init(millisecondsSince1970:)), endReason: reason)
        }
    }

    /// The session, which must exist and be live.
    static func liveSession(_ db: Database, id: UUID) throws -> StreamingSession {
        guard let session = try session(db, id: id) else { throw StoreError.sessionNotFound(id) }
        guard session.status == .live else { throw StoreError.sessionEnded(id) }
        return session
    }

    private static func end(_ db: Database, session: StreamingSession, reason: EndReason, nowMs: Int64) throws
        -> SessionReport
    {
        // A clock that stepped back must not end a session before it started.
        let endMs = max(nowMs, session.startedAt.millisecondsSince1970)
        try db.execute(
            sql: """
                UPDATE session_participants SET left_at = MAX(joined_at, :end)
                WHERE session_id = :session AND left_at IS NULL
                """,
            arguments: ["end": endMs, "session": session.id.storeKey])
        try db.execute(
            sql: """
                UPDATE streaming_sessions SET status = 'ended', ended_at = ?, end_reason = ?
                WHERE id = ? AND status = 'live'
                """,
            arguments: [endMs, reason.rawValue, session.id.storeKey])
        let tally = try SessionTally.count(db, sessionId: session.id, untilMs: endMs)
        try tally.save(db, sessionId: session.id, nowMs: endMs)
        // Final: gifts to an ended session are refused. The top-gifter badge counts these.
        try db.execute(sql: "UPDATE session_stats SET top_gifter_id = ? WHERE session_id = ?",
                       arguments: [tally.topGifters.first?.userId.storeKey, session.id.storeKey])
        var ended = session
        ended.status = .ended
        ended.endedAt = Date(millisecondsSince1970: endMs)
        ended.endReason = reason
        return tally.report(for: ended, untilMs: endMs)
    }

    // Columns by position, in activeSessionsSelect's order: a name lookup per column per row
    // showed in the list's profile.
    private static func summary(row: Row) throws -> SessionSummary {
        SessionSummary(
            id: try UUID.stored(try row.decode(atIndex: 0), column: "streaming_sessions.id"),
            title: try row.decode(atIndex: 1),
            category: try row.decode(atIndex: 2),
            isPrivate: try row.decode(atIndex: 3),
            startedAt: Date(millisecondsSince1970: try row.decode(atIndex: 4)),
            host: SessionHost(
                id: try UUID.stored(try row.decode(atIndex: 5), column: "users.id"),
                username: try row.decode(atIndex: 6),
                displayName: try row.decode(atIndex: 7),
                avatarUrl: try row.decode(atIndex: 8)),
            viewerCount: try row.decode(atIndex: 9),
            guestCount: try row.decode(atIndex: 10))
    }

    // The list query in two shapes (first page, later pages), so each gives SQLite a plain range on
    // streaming_sessions_live_by_start. `status = 'live'` is a literal because SQLite only uses a
    // partial index when the query's WHERE visibly implies the index's.
    private static let activeSessionsSelect = """
        SELECT s.id, s.title, s.category, s.is_private, s.started_at,
               u.id AS host_id, u.username, u.display_name, u.avatar_url,
               (SELECT COUNT(*) FROM session_participants p
                 WHERE p.session_id = s.id AND p.role = 'viewer' AND p.left_at IS NULL) AS viewer_count,
               (SELECT COUNT(*) FROM session_participants p
                 WHERE p.session_id = s.id AND p.role = 'guest' AND p.left_at IS NULL) AS guest_count
        FROM streaming_sessions s
        JOIN users u ON u.id = s.host_id
        WHERE s.status = 'live'

        """
    private static let activeSessionsVisibleOrdered = """
          AND (s.is_private = 0
               OR s.host_id = :user
               OR EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = :user AND f.followee_id = s.host_id)
               OR EXISTS (SELECT 1 FROM session_invites i WHERE i.session_id = s.id AND i.user_id = :user))
          AND NOT EXISTS (SELECT 1 FROM session_bans b WHERE b.session_id = s.id AND b.user_id = :user)
        ORDER BY s.started_at DESC, s.id ASC
        LIMIT :limit
        """
    static let activeSessionsFirstPageSQL = activeSessionsSelect + activeSessionsVisibleOrdered
    static let activeSessionsAfterCursorSQL = activeSessionsSelect + """
          AND s.started_at <= :ms AND (s.started_at < :ms OR s.id > :id)

        """ + activeSessionsVisibleOrdered
}
