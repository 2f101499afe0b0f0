#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Store

/// A user as the API shows it.
struct UserPayload: Encodable, Sendable {
    var id: String
    var username: String
    var displayName: String
    var bio: String?
    var avatarUrl: String?
    var isPrivate: Bool
    var createdAt: String

    init(_ user: User) {
        id = user.id.apiString
        username = user.username
        displayName = user.displayName
        bio = user.bio
        avatarUrl = user.avatarUrl
        isPrivate = user.isPrivate
        createdAt = JSONDate.string(user.createdAt)
    }
}

/// `users.getProfile`: the user's fields and, beside them, their follow counts, level, and (for
/// whoever may see them: see `ProfileAccess`) statistics and badges.
struct ProfilePayload: Encodable, Sendable {
    var user: UserPayload
    var followerCount: Int
    var followingCount: Int
    /// Whether the caller follows this user (absent when signed out).
    var isFollowing: Bool?
    var level: LevelPayload
    var stats: StatsPayload?
    var badges: [BadgePayload]?

    init(_ profile: UserProfile, level: LevelPayload) {
        user = UserPayload(profile.user)
        followerCount = profile.followers
        followingCount = profile.following
        isFollowing = profile.isFollowedByViewer
        self.level = level
    }

    private enum Key: String, CodingKey { case followerCount, followingCount, isFollowing, level, stats, badges }

    /// One flat object: the user's keys and the rest side by side.
    func encode(to encoder: any Encoder) throws {
        try user.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(followerCount, forKey: .followerCount)
        try container.encode(followingCount, forKey: .followingCount)
        try container.encodeIfPresent(isFollowing, forKey: .isFollowing)
        try container.encode(level, forKey: .level)
        try container.encodeIfPresent(stats, forKey: .stats)
        try container.encodeIfPresent(badges, forKey: .badges)
    }
}

/// Level, experience and the way to the next level (docs/api.md, "Levels").
struct LevelPayload: Encodable, Sendable {
    var level: Int
    var experience: Int64
    var levelStartsAt: Int64
    var nextLevelAt: Int64
    /// 0...1: the share of this level's span already done.
    var progress: Double

    init(_ standing: LevelStanding) {
        level = standing.level
        experience = standing.experience
        levelStartsAt = standing.levelStartsAt
        nextLevelAt = standing.nextLevelAt
        let span = Double(standing.nextLevelAt - standing.levelStartsAt)
        progress = span > 0 ? min(1, max(0, Double(standing.experience - standing.levelStartsAt) / span)) : 0
    }
}

struct StatsPayload: Encodable, Sendable {
    var followers: Int
    var following: Int
    var streams: Int
    var hoursLive: Double
    var watchMinutes: Int64
    var chatMessages: Int
    var giftsSent: Int
    var giftsReceived: Int
    var coinsSpent: Int64
    var diamondsEarned: Int64

    init(_ facts: ProgressFacts) {
        followers = facts.followers
        following = facts.following
        streams = facts.streams
        hoursLive = (Double(facts.liveMilliseconds) / 360_000).rounded() / 10
        watchMinutes = facts.watchMilliseconds / 60_000
        chatMessages = facts.chatLines
        giftsSent = facts.giftsSent
        giftsReceived = facts.giftsReceived
        coinsSpent = facts.coinsSpent
        diamondsEarned = facts.diamondsEarned
    }
}

struct BadgePayload: Encodable, Sendable {
    var id: String
    var name: String
    var description: String
    var icon: String
    var awardedAt: String

    init(_ badge: UserBadge) {
        id = badge.achievement.id
        name = badge.achievement.name
        description = badge.achievement.description
        icon = badge.achievement.icon
        awardedAt = JSONDate.string(badge.awardedAt)
    }
}

/// Who sees a private profile's details (statistics, badges, follow lists): the user and their
/// followers, as with private sessions.
enum ProfileAccess {
    static func seesDetails(of profile: UserProfile, viewer: UUID?) -> Bool {
        !profile.user.isPrivate || viewer == profile.user.id || profile.isFollowedByViewer == true
    }
}

/// `users.register` and `users.login`.
struct SignedInPayload: Encodable, Sendable {
    var user: UserPayload
    var token: String
}
