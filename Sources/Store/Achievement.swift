import Foundation

/// A badge a user can earn once. The catalog is seeded by migration v6; each rule is a fact the
/// store keeps (see `ProgressFacts`), so awarding is a re-check, never a counter.
public struct Achievement: Sendable, Codable, Equatable, Hashable, Identifiable {
    public var id: String
    public var name: String
    public var description: String
    /// The icon the client shows (an emoji: the web page needs no image files).
    public var icon: String

    public init(id: String, name: String, description: String, icon: String) {
        self.id = id
        self.name = name
        self.description = description
        self.icon = icon
    }

    /// The catalog, in display order. Ids are stable: they are the badges' keys.
    public static let catalog: [Achievement] = [
        Achievement(id: "first_stream", name: "First stream", description: "Went live for the first time", icon: "🎬"),
        Achievement(id: "first_gift_sent", name: "First gift", description: "Sent a first gift", icon: "🎁"),
        Achievement(id: "first_gift_received", name: "Appreciated", description: "Received a first gift", icon: "💝"),
        Achievement(id: "followers_10", name: "Rising", description: "10 followers", icon: "⭐"),
        Achievement(id: "followers_100", name: "Popular", description: "100 followers", icon: "🌟"),
        Achievement(id: "followers_1000", name: "Star", description: "1,000 followers", icon: "💫"),
        Achievement(id: "hours_live_10", name: "Marathon", description: "10 hours live in all", icon: "⏱️"),
        Achievement(id: "top_gifter", name: "Top gifter", description: "Gave the most coins in a session", icon: "👑"),
        Achievement(id: "level_10", name: "Veteran", description: "Reached level 10", icon: "🏅"),
    ]

    /// Whether `facts` earn this badge.
    public func isEarned(by facts: ProgressFacts) -> Bool {
        switch id {
        case "first_stream": facts.streams >= 1
        case "first_gift_sent": facts.giftsSent >= 1
        case "first_gift_received": facts.giftsReceived >= 1
        case "followers_10": facts.followers >= 10
        case "followers_100": facts.followers >= 100
        case "followers_1000": facts.followers >= 1000
        case "hours_live_10": facts.liveMilliseconds >= 10 * 3_600_000
        case "top_gifter": facts.topGifterSessions >= 1
        case "level_10": Progress.level(forExperience: Progress.experience(for: facts)) >= 10
        default: false
        }
    }
}

/// A badge as a user holds it.
public struct UserBadge: Sendable, Codable, Equatable {
    public var achievement: Achievement
    public var awardedAt: Date

    public init(achievement: Achievement, awardedAt: Date) {
        self.achievement = achievement
        self.awardedAt = awardedAt
    }
}
