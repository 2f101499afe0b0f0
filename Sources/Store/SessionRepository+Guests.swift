import Foundation
import GRDB

// Co-hosting and moderation: invites, their answers, removing guests, bans (kicks).
extension SessionRepository {
    /// Invites `userId` to co-host. Inviting again after a decline or removal makes the invite
    /// pending again; a pending or accepted invite is returned unchanged.
    /// - Throws: `.sessionNotFound`, `.sessionEnded`, `.userNotFound`, `.hostCannotBeTarget`, `.banned`.
    public func invite(sessionId: UUID, userId: UUID, now: Date) async throws(StoreError) -> SessionInvite {
        try await pool.writeValue { db in
            let session = try Self.liveSession(db, id: sessionId)
            guard userId != session.hostId else { throw StoreError.hostCannotBeTarget }
            guard try UserRepository.user(db, id: userId) != nil else { throw StoreError.userNotFound(userId) }
            if try Self.isBanned(db, sessionId: sessionId, userId: userId) {
                throw StoreError.banned(sessionId: sessionId, userId: userId)
            }
            switch try ProgressRepository.settings(db, userId: userId).invitePolicy {
            case .everyone: break
            case .following:
                guard try UserRepository.isFollowing(db, followerId: userId, followeeId: session.hostId) else {
                    throw StoreError.invitesNotAccepted(userId: userId)
                }
            case .nobody: throw StoreError.invitesNotAccepted(userId: userId)
            }
            let nowMs = now.millisecondsSince1970
            try db.execute(
                sql: """
                    INSERT INTO session_invites (session_id, user_id, status, created_at, updated_at)
                    VALUES (?, ?, 'pending', ?, ?)
                    ON CONFLICT (session_id, user_id) DO UPDATE SET status = 'pending', updated_at = excluded.updated_at
                    WHERE status IN ('declined', 'removed')
                    """,
                arguments: [sessionId.storeKey, userId.storeKey, nowMs, nowMs])
            return try Self.requireInvite(db, sessionId: sessionId, userId: userId)
        }
    }

    /// The invited user's answer. Answering the same way twice returns the invite unchanged.
    /// - Parameter maxGuests: accepted invites a session may hold at once.
    /// - Throws: `.sessionNotFound`, `.sessionEnded`, `.inviteNotFound` (no invite, or not pending),
    ///   `.guestLimitReached`.
    public func respondToInvite(sessionId: UUID, userId: UUID, accept: Bool,
                                maxGuests: Int = SessionRepository.defaultMaxGuests,
                                now: Date) async throws(StoreError) -> SessionInvite {
        try await pool.writeValue { db in
            _ = try Self.liveSession(db, id: sessionId)
            let invite = try Self.requireInvite(db, sessionId: sessionId, userId: userId)
            let answer: InviteStatus = accept ? .accepted : .declined
            if invite.status == answer { return invite }
            guard invite.status == .pending else {
                throw StoreError.inviteNotFound(sessionId: sessionId, userId: userId)
            }
            if accept {
                let guests = try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM session_invites WHERE session_id = ? AND status = 'accepted'",
                    arguments: [sessionId.storeKey]) ?? 0
                guard guests < maxGuests else { throw StoreError.guestLimitReached(limit: maxGuests) }
            }
            try Self.setInviteStatus(db, sessionId: sessionId, userId: userId, to: answer,
                                     nowMs: now.millisecondsSince1970)
            return try Self.requireInvite(db, sessionId: sessionId, userId: userId)
        }
    }

    /// Takes a guest off stage: the invite becomes `.removed` and, if they are on stage now, their
    /// guest visit ends and a viewer visit begins (they keep watching).
    /// - Throws: `.sessionNotFound`, `.sessionEnded`, `.notAGuest`.
    public func removeGuest(sessionId: UUID, userId: UUID, now: Date) async throws(StoreError) -> SessionInvite {
        try await pool.writeValue { db in
            _ = try Self.liveSession(db, id: sessionId)
            guard let invite = try Self.inviteRow(db, sessionId: sessionId, userId: userId),
                  invite.status == .accepted
            else { throw StoreError.notAGuest(sessionId: sessionId, userId: userId) }
            let nowMs = now.millisecondsSince1970
            try Self.setInviteStatus(db, sessionId: sessionId, userId: userId, to: .removed, nowMs: nowMs)
            if try Self.currentVisit(db, sessionId: sessionId, userId: userId)?.role == .guest {
                _ = try Self.openVisit(db, sessionId: sessionId, userId: userId, role: .viewer, nowMs: nowMs)
            }
            return try Self.requireInvite(db, sessionId: sessionId, userId: userId)
        }
    }

    /// The invite of `userId` to `sessionId`, if any.
    public func invite(sessionId: UUID, userId: UUID) async throws(StoreError) -> SessionInvite? {
        try await pool.readValue { db in try Self.inviteRow(db, sessionId: sessionId, userId: userId) }
    }

    /// The users whose invite to `sessionId` stands accepted (the guests on stage or allowed on it).
    public func acceptedGuests(sessionId: UUID) async throws(StoreError) -> [UUID] {
        try await pool.readValue { db in
            try String.fetchAll(db, sql: "SELECT user_id FROM session_invites WHERE session_id = ? AND status = 'accepted' ORDER BY user_id",
                                arguments: [sessionId.storeKey])
                .map { try UUID.stored($0, column: "session_invites.user_id") }
        }
    }

    /// Invites waiting for `userId`'s answer in sessions still live, newest first.
    public func pendingInvites(userId: UUID) async throws(StoreError) -> [SessionInvite] {
        try await pool.readValue { db in
            try SessionInvite.fetchAll(
                db,
                sql: """
                    SELECT i.* FROM session_invites i
                    JOIN streaming_sessions s ON s.id = i.session_id
                    WHERE i.user_id = ? AND i.status = 'pending' AND s.status = 'live'
                    ORDER BY i.updated_at DESC, i.session_id
                    """,
                arguments: [userId.storeKey])
        }
    }

    /// Kicks `userId` out of the session: they are banned from joining again, their open visit
    /// ends at `now`, and an invite they had is `.removed`.
    /// - Returns: true when the ban is new.
    /// - Throws: `.sessionNotFound`, `.sessionEnded`, `.hostCannotBeTarget`, `.userNotFound`.
    @discardableResult
    public func ban(sessionId: UUID, userId: UUID, now: Date) async throws(StoreError) -> Bool {
        try await pool.writeValue { db in
            let session = try Self.liveSession(db, id: sessionId)
            guard userId != session.hostId else { throw StoreError.hostCannotBeTarget }
            guard try UserRepository.user(db, id: userId) != nil else { throw StoreError.userNotFound(userId) }
            let nowMs = now.millisecondsSince1970
            try db.execute(
                sql: "INSERT OR IGNORE INTO session_bans (session_id, user_id, created_at) VALUES (?, ?, ?)",
                arguments: [sessionId.storeKey, userId.storeKey, nowMs])
            let isNew = db.changesCount > 0
            _ = try Self.closeVisit(db, sessionId: sessionId, userId: userId, nowMs: nowMs)
            if let invite = try Self.inviteRow(db, sessionId: sessionId, userId: userId),
               invite.status == .pending || invite.status == .accepted {
                try Self.setInviteStatus(db, sessionId: sessionId, userId: userId, to: .removed, nowMs: nowMs)
            }
            return isNew
        }
    }

    public func isBanned(sessionId: UUID, userId: UUID) async throws(StoreError) -> Bool {
        try await pool.readValue { db in try Self.isBanned(db, sessionId: sessionId, userId: userId) }
    }

    // MARK: - Statements

    static func inviteRow(_ db: Database, sessionId: UUID, userId: UUID) throws -> SessionInvite? {
        try SessionInvite.fetchOne(
            db, sql: "SELECT * FROM session_invites WHERE session_id = ? AND user_id = ?",
            arguments: [sessionId.storeKey, userId.storeKey])
    }

    private static func requireInvite(_ db: Database, sessionId: UUID, userId: UUID) throws -> SessionInvite {
        guard let invite = try inviteRow(db, sessionId: sessionId, userId: userId) else {
            throw StoreError.inviteNotFound(sessionId: sessionId, userId: userId)
        }
        return invite
    }

    private static func setInviteStatus(_ db: Database, sessionId: UUID, userId: UUID, to status: InviteStatus,
                                        nowMs: Int64) throws {
        try db.execute(
            sql: "UPDATE session_invites SET status = ?, updated_at = ? WHERE session_id = ? AND user_id = ?",
            arguments: [status.rawValue, nowMs, sessionId.storeKey, userId.storeKey])
    }
}
