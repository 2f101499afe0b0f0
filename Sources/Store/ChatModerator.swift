import Foundation
import GRDB

/// A user the host appointed to moderate a session's chat.
public struct ChatModerator: Sendable, Codable, Equatable, Hashable {
    public var userId: UUID
    public var username: String
    public var displayName: String
    /// Who appointed them (nil if that account is gone).
    public var appointedBy: UUID?
    public var createdAt: Date

    public init(userId: UUID, username: String, displayName: String, appointedBy: UUID?, createdAt: Date) {
        self.userId = userId
        self.username = username
        self.displayName = displayName
        self.appointedBy = appointedBy
        self.createdAt = createdAt
    }
}

extension ChatModerator: FetchableRecord {
    public init(row: Row) throws {
        let appointer: String? = try row.decode(forColumn: "appointed_by")
        self.init(
            userId: try UUID.stored(try row.decode(forColumn: "user_id"), column: "chat_moderators.user_id"),
            username: try row.decode(forColumn: "username"),
            displayName: try row.decode(forColumn: "display_name"),
            appointedBy: try appointer.map { try UUID.stored($0, column: "chat_moderators.appointed_by") },
            createdAt: Date(millisecondsSince1970: try row.decode(forColumn: "created_at")))
    }
}
