import Foundation
import GRDB

/// Whether a session is on air.
public enum SessionStatus: String, Sendable, Codable, Equatable {
    case live, ended
}

/// Why a session ended.
public enum EndReason: String, Sendable, Codable, Equatable {
    /// The host (or the API on the host's behalf) ended it.
    case host
    /// The host was gone (no connection) for longer than the server waits for them to return.
    case hostLeft = "host_left"
    /// The server was stopping (graceful shutdown) and ended it first.
    case serverShutdown = "server_shutdown"
    /// Its server died under it (a crash); the next start ended it.
    case orphaned
}

/// One go-live of a host: the row behind a room.
public struct StreamingSession: Sendable, Codable, Equatable, Hashable, Identifiable {
    public var id: UUID
    public var hostId: UUID
    public var title: String
    public var description: String?
    public var category: String?
    /// Visible and joinable only by the host, followers of the host and invited users.
    public var isPrivate: Bool
    public var status: SessionStatus
    public var startedAt: Date
    public var endedAt: Date?
    public var endReason: EndReason?

    public init(id: UUID, hostId: UUID, title: String, description: String? = nil, category: String? = nil,
                isPrivate: Bool = false, status: SessionStatus = .live, startedAt: Date, endedAt: Date? = nil,
                endReason: EndReason? = nil) {
        self.id = id
        self.hostId = hostId
        self.title = title
        self.description = description
        self.category = category
        self.isPrivate = isPrivate
        self.status = status
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.endReason = endReason
    }
}

extension StreamingSession: FetchableRecord, TableRecord {
    public static let databaseTableName = "streaming_sessions"

    public init(row: Row) throws {
        let status: String = try row.decode(forColumn: "status")
        let reason: String? = try row.decode(forColumn: "end_reason")
        let ended: Int64? = try row.decode(forColumn: "ended_at")
        guard let parsedStatus = SessionStatus(rawValue: status) else {
            throw StoreError.corruptRow("streaming_sessions.status")
        }
        var parsedReason: EndReason?
        if let reason {
            guard let value = EndReason(rawValue: reason) else { throw StoreError.corruptRow("streaming_sessions.end_reason") }
            parsedReason = value
        }
        self.init(
            id: try UUID.stored(try row.decode(forColumn: "id"), column: "streaming_sessions.id"),
            hostId: try UUID.stored(try row.decode(forColumn: "host_id"), column: "streaming_sessions.host_id"),
            title: try row.decode(forColumn: "title"),
            description: try row.decode(forColumn: "description"),
            category: try row.decode(forColumn: "category"),
            isPrivate: try row.decode(forColumn: "is_private"),
            status: parsedStatus,
            startedAt: Date(millisecondsSince1970: try row.decode(forColumn: "started_at")),
            endedAt: ended.map(Date.init(millisecondsSince1970:)),
            endReason: parsedReason)
    }
}
