import Foundation
import GRDB

/// What a notification is about.
public enum NotificationKind: String, Sendable, Codable, CaseIterable {
    case newFollower = "new_follower"
    case giftReceived = "gift_received"
    case wentLive = "went_live"
    case newComment = "new_comment"
    case levelUp = "level_up"
    case achievement
    case system
}

/// One stored notification of one user. `data` is the kind's JSON object (see docs/api.md):
/// what the client needs to render it and link to its subject.
public struct UserNotification: Sendable, Equatable {
    public var id: Int64
    public var userId: UUID
    public var kind: NotificationKind
    /// A JSON object, as stored.
    public var data: String
    public var createdAt: Date
    public var readAt: Date?

    public init(id: Int64, userId: UUID, kind: NotificationKind, data: String, createdAt: Date, readAt: Date?) {
        self.id = id
        self.userId = userId
        self.kind = kind
        self.data = data
        self.createdAt = createdAt
        self.readAt = readAt
    }
}

extension UserNotification: FetchableRecord {
    public init(row: Row) throws {
        let kind: String = try row.decode(forColumn: "kind")
        guard let parsed = NotificationKind(rawValue: kind) else { throw StoreError.corruptRow("notifications.kind") }
        let readAt: Int64? = try row.decode(forColumn: "read_at")
        self.init(
            id: try row.decode(forColumn: "id"),
            userId: try UUID.stored(try row.decode(forColumn: "user_id"), column: "notifications.user_id"),
            kind: parsed,
            data: try row.decode(forColumn: "data"),
            createdAt: Date(millisecondsSince1970: try row.decode(forColumn: "created_at")),
            readAt: readAt.map { Date(millisecondsSince1970: $0) })
    }
}

/// A page of a user's notifications, newest first; `nextCursor` continues it.
public struct NotificationPage: Sendable, Equatable {
    public var notifications: [UserNotification]
    public var nextCursor: Int64?
    public var unreadCount: Int
}

/// One notification to store.
public struct NotificationDraft: Sendable, Equatable {
    public var userId: UUID
    public var kind: NotificationKind
    public var data: String
    /// Where an event may be seen twice (a replay, a re-evaluation): one notification per user
    /// and key. Nil: every draft is a notification.
    public var dedupeKey: String?

    public init(userId: UUID, kind: NotificationKind, data: String, dedupeKey: String? = nil) {
        self.userId = userId
        self.kind = kind
        self.data = data
        self.dedupeKey = dedupeKey
    }
}
