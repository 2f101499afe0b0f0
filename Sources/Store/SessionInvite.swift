import Foundation
import GRDB

/// Where a co-host invite stands.
public enum InviteStatus: String, Sendable, Codable, Equatable {
    case pending, accepted, declined
    /// The user was a guest and the host removed them (or kicked them); they may still watch.
    case removed
}

/// The host's invitation of a user to co-host a session.
public struct SessionInvite: Sendable, Codable, Equatable, Hashable {
    public var sessionId: UUID
    public var userId: UUID
    public var status: InviteStatus
    public var createdAt: Date
    public var updatedAt: Date

    public init(sessionId: UUID, userId: UUID, status: InviteStatus, createdAt: Date, updatedAt: Date) {
        self.sessionId = sessionId
        self.userId = userId
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

extension SessionInvite: FetchableRecord, TableRecord {
    public static let databaseTableName = "session_invites"

    public init(row: Row) throws {
        let status: String = try row.decode(forColumn: "status")
        guard let parsed = InviteStatus(rawValue: status) else { throw StoreError.corruptRow("session_invites.status") }
        self.init(
            sessionId: try UUID.stored(try row.decode(forColumn: "session_id"), column: "session_invites.session_id"),
            userId: try UUID.stored(try row.decode(forColumn: "user_id"), column: "session_invites.user_id"),
            status: parsed,
            createdAt: Date(millisecondsSince1970: try row.decode(forColumn: "created_at")),
            updatedAt: Date(millisecondsSince1970: try row.decode(forColumn: "updated_at")))
    }
}
