#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import API
import Store

/// `notifications.*`: a user's list with read state, the unread count, per-kind settings, and an
/// admin's announcement to everyone. Reading on one tab updates the count on every tab.
public struct NotificationProcedures: Sendable {
    let store: Store
    let activity: Activity
    let now: @Sendable () -> Date

    public static let maxTitle = 120
    public static let maxBody = 1_000
    public static let maxIdsPerCall = 500

    public init(store: Store, activity: Activity, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.activity = activity
        self.now = now
    }

    struct PageInput: Decodable, Sendable {
        var cursor: String?
        var limit: Int?
        var unreadOnly: Bool?
    }

    struct MarkInput: Decodable, Sendable {
        var ids: [Int64]?
        var all: Bool?
    }

    struct SettingsInput: Decodable, Sendable {
        /// Kind name → on/off; kinds left out keep their setting.
        var kinds: [String: Bool]
    }

    struct BroadcastInput: Decodable, Sendable {
        var title: String
        var body: String?
    }

    struct Page: Encodable, Sendable {
        var notifications: [NotificationPayload]
        var nextCursor: String?
        var unreadCount: Int
    }

    struct Unread: Encodable, Sendable {
        var unreadCount: Int
    }

    struct Settings: Encodable, Sendable {
        var kinds: [String: Bool]
    }

    struct Queued: Encodable, Sendable {
        var queued: Bool
    }

    public func register(on router: inout TRPCRouter) {
        router.query("notifications.getNotifications", access: .user) { (input: PageInput?, context) in
            let me = try Identifier.caller(context)
            let input = input ?? PageInput()
            var cursor: Int64?
            if let text = input.cursor {
                guard let value = Int64(text), value > 0 else { throw InputValidation.failure("cursor", "is not a cursor from this list") }
                cursor = value
            }
            if let limit = input.limit { try InputValidation.range(limit, field: "limit", in: 1...NotificationRepository.maxPageSize) }
            let page = try await store.notifications.page(userId: me, cursor: cursor,
                                                          limit: input.limit ?? NotificationRepository.defaultPageSize,
                                                          unreadOnly: input.unreadOnly ?? false)
            return Page(notifications: page.notifications.map(NotificationPayload.init),
                        nextCursor: page.nextCursor.map(String.init), unreadCount: page.unreadCount)
        }
        router.mutation("notifications.markAsRead", access: .user) { (input: MarkInput, context) in
            let me = try Identifier.caller(context)
            guard (input.ids != nil) != (input.all == true) else {
                throw InputValidation.failure("ids", "give the ids to mark, or all: true (not both)")
            }
            if let ids = input.ids { try InputValidation.count(ids, field: "ids", in: 1...Self.maxIdsPerCall) }
            let unread = try await store.notifications.markRead(userId: me, ids: input.all == true ? nil : input.ids, now: now())
            activity.events.send(EventMessage.unreadCount(unread), to: me)
            return Unread(unreadCount: unread)
        }
        router.query("notifications.getUnreadCount", access: .user) { (_: Empty?, context) in
            Unread(unreadCount: try await store.notifications.unreadCount(userId: try Identifier.caller(context)))
        }
        router.query("notifications.getSettings", access: .user) { (_: Empty?, context) in
            Self.settings(try await store.notifications.preferences(userId: try Identifier.caller(context)))
        }
        router.mutation("notifications.updateSettings", access: .user) { (input: SettingsInput, context) in
            let me = try Identifier.caller(context)
            var changes: [NotificationKind: Bool] = [:]
            for (name, on) in input.kinds {
                guard let kind = NotificationKind(rawValue: name) else {
                    throw InputValidation.failure("kinds", "unknown kind \"\(name.prefix(40))\"; kinds: "
                        + NotificationKind.allCases.map(\.rawValue).joined(separator: ", "))
                }
                changes[kind] = on
            }
            return Self.settings(try await store.notifications.setPreferences(userId: me, changes))
        }
        router.mutation("notifications.broadcast", access: .user) { (input: BroadcastInput, context) in
            let me = try Identifier.caller(context)
            guard try await store.users.find(id: me)?.role == .admin else {
                throw TRPCError.forbidden("only admins send announcements")
            }
            try InputValidation.nonEmpty(input.title, field: "title")
            try InputValidation.length(input.title, field: "title", in: 1...Self.maxTitle)
            try InputValidation.length(input.body ?? "", field: "body", in: 0...Self.maxBody)
            activity.notifier.broadcast(title: input.title, body: input.body ?? "")
            return Queued(queued: true)
        }
    }

    private static func settings(_ preferences: [NotificationKind: Bool]) -> Settings {
        Settings(kinds: Dictionary(uniqueKeysWithValues: preferences.map { ($0.key.rawValue, $0.value) }))
    }

    struct Empty: Decodable, Sendable {}
}
