import Foundation
import GRDB

// Who may come in, and who is there: admission rules and visits (join/leave).
extension SessionRepository {
    /// Whether and as what `userId` may join `sessionId` now, without joining.
    /// - Throws: `.sessionNotFound`, `.sessionEnded`, `.banned`, `.notAdmitted` (private session).
    public func admit(sessionId: UUID, userId: UUID) async throws(StoreError) -> Admission {
        try await pool.readValue { db in try Self.admission(db, sessionId: sessionId, userId: userId) }
    }

    /// Records that `userId` is in the session as `role` from `now`. Applies the admission rules
    /// of `admit` (the host joins as `.host` only; `.guest` needs an accepted invite).
    /// Already there in the same role (a reconnect): nothing changes and `changed` is false.
    /// There in another role (promoted to guest, back to viewer): that visit closes and a new one
    /// opens. Viewer joins keep the session's peak up to date.
    public func recordJoin(sessionId: UUID, userId: UUID, role: ParticipantRole, now: Date) async throws(StoreError)
        -> PresenceUpdate
    {
        try await pool.writeValue { db in
            let admission = try Self.admission(db, sessionId: sessionId, userId: userId)
            let allowed: Bool = switch admission.role {
            case .host: role == .host
            case .guest: role == .guest || role == .viewer
            case .viewer: role == .viewer
            }
            guard allowed else { throw StoreError.roleNotAllowed(sessionId: sessionId, userId: userId, role: role) }
            return try Self.openVisit(db, sessionId: sessionId, userId: userId, role: role,
                                      nowMs: now.millisecondsSince1970)
        }
    }

    /// Records that `userId` left at `now`. Nil when they had no open visit (already left, or the
    /// session ended and closed it).
    public func recordLeave(sessionId: UUID, userId: UUID, now: Date) async throws(StoreError) -> PresenceUpdate? {
        try await pool.writeValue { db in
            guard let visit = try Self.closeVisit(db, sessionId: sessionId, userId: userId,
                                                  nowMs: now.millisecondsSince1970)
            else { return nil }
            let counts = try Self.liveCounts(db, sessionId: sessionId)
            return PresenceUpdate(visit: visit, changed: true, viewerCount: counts.viewers, guestCount: counts.guests)
        }
    }

    /// Every visit of a session, in the order they began.
    public func visits(sessionId: UUID) async throws(StoreError) -> [ParticipantVisit] {
        try await pool.readValue { db in
            try ParticipantVisit.fetchAll(
                db, sql: "SELECT * FROM session_participants WHERE session_id = ? ORDER BY joined_at, id",
                arguments: [sessionId.storeKey])
        }
    }

    // MARK: - Statements

    static func admission(_ db: Database, sessionId: UUID, userId: UUID) throws -> Admission {
        try admission(db, session: try liveSession(db, id: sessionId), userId: userId)
    }

    /// `admission` for a live session the caller has read already.
    static func admission(_ db: Database, session: StreamingSession, userId: UUID) throws -> Admission {
        let sessionId = session.id
        if userId == session.hostId { return Admission(session: session, role: .host) }
        // The ban and the invite in one read: every gift and chat line asks.
        let read = try RawStatement(db, """
            SELECT EXISTS (SELECT 1 FROM session_bans WHERE session_id = ?1 AND user_id = ?2),
                   (SELECT status FROM session_invites WHERE session_id = ?1 AND user_id = ?2)
            """)
        read.bind(1, sessionId)
        read.bind(2, userId)
        let row = try read.first { (banned: $0.int64(0) != 0, invite: $0.textOrNil(1)) }
        if row?.banned == true { throw StoreError.banned(sessionId: sessionId, userId: userId) }
        let invite = row?.invite
        if invite == InviteStatus.accepted.rawValue { return Admission(session: session, role: .guest) }
        // Any invite admits to a private session, even a declined one: the host chose this user.
        if session.isPrivate, invite == nil,
           try !UserRepository.isFollowing(db, followerId: userId, followeeId: session.hostId) {
            throw StoreError.notAdmitted(sessionId: sessionId, userId: userId)
        }
        return Admission(session: session, role: .viewer)
    }

    static func isBanned(_ db: Database, sessionId: UUID, userId: UUID) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM session_bans WHERE session_id = ? AND user_id = ?)"),
            arguments: [sessionId.storeKey, userId.storeKey]) ?? false
    }

    /// Opens a visit in `role`, unless one in that role is already open.
    static func openVisit(_ db: Database, sessionId: UUID, userId: UUID, role: ParticipantRole, nowMs: Int64) throws
        -> PresenceUpdate
    {
        if let open = try currentVisit(db, sessionId: sessionId, userId: userId) {
            if open.role == role {
                let counts = try liveCounts(db, sessionId: sessionId)
                return PresenceUpdate(visit: open, changed: false, viewerCount: counts.viewers,
                                      guestCount: counts.guests)
            }
            _ = try closeVisit(db, sessionId: sessionId, userId: userId, nowMs: nowMs)
        }
        try db.execute(
            sql: "INSERT INTO session_participants (session_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)",
            arguments: [sessionId.storeKey, userId.storeKey, role.rawValue, nowMs])
        if role == .viewer { try SessionTally.raisePeak(db, sessionId: sessionId, nowMs: nowMs) }
        let counts = try liveCounts(db, sessionId: sessionId)
        let visit = ParticipantVisit(sessionId: sessionId, userId: userId, role: role,
                                     joinedAt: Date(millisecondsSince1970: nowMs))
        return PresenceUpdate(visit: visit, changed: true, viewerCount: counts.viewers, guestCount: counts.guests)
    }

    /// Closes the user's open visit at `nowMs` (never before it began) and returns it closed.
    static func closeVisit(_ db: Database, sessionId: UUID, userId: UUID, nowMs: Int64) throws -> ParticipantVisit? {
        guard var visit = try currentVisit(db, sessionId: sessionId, userId: userId) else { return nil }
        let leftMs = max(nowMs, visit.joinedAt.millisecondsSince1970)
        try db.execute(
            sql: """
                UPDATE session_participants SET left_at = ?
                WHERE session_id = ? AND user_id = ? AND left_at IS NULL
                """,
            arguments: [leftMs, sessionId.storeKey, userId.storeKey])
        visit.leftAt = Date(millisecondsSince1970: leftMs)
        return visit
    }

    static func currentVisit(_ db: Database, sessionId: UUID, userId: UUID) throws -> ParticipantVisit? {
        try ParticipantVisit.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM session_participants WHERE session_id = ? AND user_id = ? AND left_at IS NULL"),
            arguments: [sessionId.storeKey, userId.storeKey])
    }

    static func liveCounts(_ db: Database, sessionId: UUID) throws -> (viewers: Int, guests: Int) {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT role, COUNT(*) AS n FROM session_participants
                WHERE session_id = ? AND left_at IS NULL GROUP BY role
                """,
            arguments: [sessionId.storeKey])
        var viewers = 0
        var guests = 0
        for row in rows {
            let role: String = try row.decode(forColumn: "role")
            let count: Int = try row.decode(forColumn: "n")
            if role == ParticipantRole.viewer.rawValue { viewers = count }
            if role == ParticipantRole.guest.rawValue { guests = count }
        }
        return (viewers, guests)
    }
}
