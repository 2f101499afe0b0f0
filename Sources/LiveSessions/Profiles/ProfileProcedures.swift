#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import API
import Store

/// `users.getFollowers`, `users.getFollowing`, `users.search`, `users.getAchievements`,
/// `users.getSettings`, `users.updateSettings`: the parts of a profile beyond `users.getProfile`.
public struct ProfileProcedures: Sendable {
    let store: Store
    let activity: Activity?
    let now: @Sendable () -> Date

    public init(store: Store, activity: Activity? = nil, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.activity = activity
        self.now = now
    }

    struct ListInput: Decodable, Sendable {
        var userId: String
        var cursor: String?
        var limit: Int?
    }

    struct SearchInput: Decodable, Sendable {
        var query: String
        var limit: Int?
    }

    struct AchievementsInput: Decodable, Sendable {
        var userId: String?
    }

    struct SettingsInput: Decodable, Sendable {
        var isPrivate: Bool?
        var invitePolicy: String?
        /// Notification kind → on/off (as `notifications.updateSettings`).
        var notifications: [String: Bool]?
    }

    struct FollowItem: Encodable, Sendable {
        var user: UserPayload
        var followedAt: String
    }

    struct FollowList: Encodable, Sendable {
        var users: [FollowItem]
        var nextCursor: String?
    }

    struct Found: Encodable, Sendable {
        var users: [UserPayload]
    }

    struct AchievementItem: Encodable, Sendable {
        var id: String
        var name: String
        var description: String
        var icon: String
        var earned: Bool
        var awardedAt: String?
    }

    struct Achievements: Encodable, Sendable {
        var userId: String
        var achievements: [AchievementItem]
        var earned: Int
    }

    struct Settings: Encodable, Sendable {
        var isPrivate: Bool
        var invitePolicy: String
        var notifications: [String: Bool]
    }

    public func register(on router: inout TRPCRouter) {
        router.query("users.getFollowers") { (input: ListInput, context) in
            try await list(input, direction: .followers, viewer: context.user.flatMap { UUID(uuidString: $0.id) })
        }
        router.query("users.getFollowing") { (input: ListInput, context) in
            try await list(input, direction: .following, viewer: context.user.flatMap { UUID(uuidString: $0.id) })
        }
        router.query("users.search") { (input: SearchInput, _) in
            try InputValidation.length(input.query, field: "query", in: 1...64)
            if let limit = input.limit { try InputValidation.range(limit, field: "limit", in: 1...50) }
            return Found(users: try await store.users.search(input.query, limit: input.limit ?? 20).map(UserPayload.init))
        }
        router.query("users.getAchievements") { (input: AchievementsInput?, context) in
            let viewer = context.user.flatMap { UUID(uuidString: $0.id) }
            guard let id = try input?.userId.map({ try Identifier.parse($0, field: "userId") }) ?? viewer else {
                throw InputValidation.failure("userId", "is required when signed out")
            }
            guard let profile = try await store.users.profile(id: id, viewerId: viewer) else {
                throw TRPCError.notFound("user not found")
            }
            guard ProfileAccess.seesDetails(of: profile, viewer: viewer) else {
                throw TRPCError.forbidden("this profile is private")
            }
            if let activity { try await activity.progress.evaluate(id) }
            let held = Dictionary(uniqueKeysWithValues: try await store.progress.badges(userId: id).map { ($0.achievement.id, $0) })
            let items = try await store.progress.achievements().map { achievement in
                AchievementItem(id: achievement.id, name: achievement.name, description: achievement.description,
                                icon: achievement.icon, earned: held[achievement.id] != nil,
                                awardedAt: held[achievement.id].map { JSONDate.string($0.awardedAt) })
            }
            return Achievements(userId: id.apiString, achievements: items, earned: held.count)
        }
        router.query("users.getSettings", access: .user) { (_: NotificationProcedures.Empty?, context) in
            Self.settings(try await store.progress.settings(userId: try Identifier.caller(context)))
        }
        router.mutation("users.updateSettings", access: .user) { (input: SettingsInput, context) in
            let me = try Identifier.caller(context)
            var policy: InvitePolicy?
            if let text = input.invitePolicy {
                guard let parsed = InvitePolicy(rawValue: text) else {
                    throw InputValidation.failure("invitePolicy", "one of everyone, following, nobody")
                }
                policy = parsed
            }
            var kinds: [NotificationKind: Bool] = [:]
            for (name, on) in input.notifications ?? [:] {
                guard let kind = NotificationKind(rawValue: name) else {
                    throw InputValidation.failure("notifications", "unknown kind \"\(name.prefix(40))\"")
                }
                kinds[kind] = on
            }
            if !kinds.isEmpty { _ = try await store.notifications.setPreferences(userId: me, kinds) }
            return Self.settings(try await store.progress.updateSettings(userId: me, isPrivate: input.isPrivate,
                                                                         invitePolicy: policy, now: now()))
        }
    }

    private func list(_ input: ListInput, direction: FollowDirection, viewer: UUID?) async throws -> FollowList {
        let id = try Identifier.parse(input.userId, field: "userId")
        if let limit = input.limit { try InputValidation.range(limit, field: "limit", in: 1...100) }
        var cursor: FollowCursor?
        if let text = input.cursor {
            let parts = text.split(separator: "_", maxSplits: 1)
            guard parts.count == 2, let ms = Int64(parts[0]), UUID(uuidString: String(parts[1])) != nil else {
                throw InputValidation.failure("cursor", "is not a cursor from this list")
            }
            cursor = FollowCursor(followedAtMs: ms, userId: String(parts[1]).lowercased())
        }
        guard let profile = try await store.users.profile(id: id, viewerId: viewer) else {
            throw TRPCError.notFound("user not found")
        }
        guard ProfileAccess.seesDetails(of: profile, viewer: viewer) else { throw TRPCError.forbidden("this profile is private") }
        let page = try await store.users.follows(of: id, direction: direction, cursor: cursor, limit: input.limit ?? 20)
        return FollowList(
            users: page.entries.map { FollowItem(user: UserPayload($0.user), followedAt: JSONDate.string($0.followedAt)) },
            nextCursor: page.nextCursor.map { "\($0.followedAtMs)_\($0.userId)" })
    }

    private static func settings(_ settings: UserSettings) -> Settings {
        Settings(isPrivate: settings.isPrivate, invitePolicy: settings.invitePolicy.rawValue,
                 notifications: Dictionary(uniqueKeysWithValues: settings.notifications.map { ($0.key.rawValue, $0.value) }))
    }
}
