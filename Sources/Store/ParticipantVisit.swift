import Foundation
import GRDB

/// What a participant may do in a session's room.
public enum ParticipantRole: String, Sendable, Codable, Equatable, CaseIterable {
    /// Publishes and runs the session; exactly one per session.
    case host
    /// Co-host invited by the host: publishes alongside.
    case guest
    /// Watches; never publishes.
    case viewer
}

/// One stay of a user in a session, from join to leave. A user who reconnects, or whose role
/// changes, gets a new visit; watch time and unique viewers are computed from these.
public struct ParticipantVisit: Sendable, Codable, Equatable, Hashable {
    public var sessionId: UUID
    public var userId: UUID
    public var role: ParticipantRole
    public var joinedAt: Date
    /// Nil while the user is still there.
    public var leftAt: Date?

    public init(sessionId: UUID, userId: UUID, role: ParticipantRole, joinedAt: Date, leftAt: Date? = nil) {
        self.sessionId = sessionId
        self.userId = userId
        self.role = role
        self.joinedAt = joinedAt
        self.leftAt = leftAt
    }
}

extension ParticipantVisit: FetchableRecord, TableRecord {
    public static let databaseTableName = "session_participants"

    public init(row: Row) throws {
        let role: String = try row.decode(forColumn: "role")
        guard let parsedRole = ParticipantRole(rawValue: role) else {
            throw StoreError.corruptRow("session_participants.role")
        }
        let left: Int64? = try row.decode(forColumn: "left_at")
        self.init(
            sessionId: try UUID.stored(try row.decode(forColumn: "session_id"), column: "session_participants.session_id"),
            userId: try UUID.stored(try row.decode(forColumn: "user_id"), column: "session_participants.user_id"),
            role: parsedRole,
            joinedAt: Date(millisecondsSince1970: try row.decode(forColumn: "joined_at")),
            leftAt: left.map(Date.init(millisecondsSince1970:)))
    }
}
