#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Store

/// What `/events` sends (docs/api.md, "Per-user events"). One JSON object per WebSocket text
/// message, `type` first.
enum EventMessage {
    /// Sent once, when the socket is ready.
    static func ready(userId: UUID, unreadCount: Int) -> String {
        encode(Ready(userId: userId.apiString, unreadCount: unreadCount))
    }

    static func notification(_ notification: UserNotification, unreadCount: Int) -> String {
        encode(Delivered(notification: NotificationPayload(notification), unreadCount: unreadCount))
    }

    /// After the user read notifications, on another tab or this one.
    static func unreadCount(_ count: Int) -> String {
        encode(Unread(unreadCount: count))
    }

    static let pong = #"{"type":"pong"}"#

    private struct Ready: Encodable {
        var type = "ready"
        var userId: String
        var unreadCount: Int
    }

    private struct Delivered: Encodable {
        var type = "notification"
        var notification: NotificationPayload
        var unreadCount: Int
    }

    private struct Unread: Encodable {
        var type = "unread_count"
        var unreadCount: Int
    }

    private static func encode(_ value: some Encodable) -> String { NotificationData.text(value) }
}

/// A notification as the API shows it: `data` is the kind's object, inline.
struct NotificationPayload: Encodable, Sendable {
    var id: Int64
    var kind: String
    var data: RawJSON
    var createdAt: String
    var read: Bool

    init(_ notification: UserNotification) {
        id = notification.id
        kind = notification.kind.rawValue
        data = RawJSON(notification.data)
        createdAt = JSONDate.string(notification.createdAt)
        read = notification.readAt != nil
    }
}
