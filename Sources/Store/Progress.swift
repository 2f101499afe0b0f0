import Foundation

/// What a user has done, as the store records it: the inputs of experience, levels and badges.
public struct ProgressFacts: Sendable, Codable, Equatable {
    public var followers = 0
    public var following = 0
    /// Sessions hosted, and their time live (ended ones in full, a live one up to now).
    public var streams = 0
    public var liveMilliseconds: Int64 = 0
    /// Time in sessions as a viewer or guest (closed visits in full, open ones up to now).
    public var watchMilliseconds: Int64 = 0
    /// Text lines written in chat (gift lines are counted as gifts).
    public var chatLines = 0
    /// Gifts as units (a ×5 combo is 5), and their coins.
    public var giftsSent = 0
    public var coinsSpent: Int64 = 0
    public var giftsReceived = 0
    public var diamondsEarned: Int64 = 0
    /// Ended sessions in which this user gave the most coins.
    public var topGifterSessions = 0

    public init() {}
}

/// Experience and levels, by one documented rule (docs/api.md, "Levels"):
/// - watching: 1 XP per whole minute watched;
/// - chatting: 2 XP per line;
/// - gifting: 1 XP per 10 coins spent;
/// - receiving: 1 XP per 10 diamonds earned;
/// - streaming: 3 XP per whole minute live.
/// Level n starts at 50·n·(n−1) XP: level 1 at 0, 2 at 100, 3 at 300, 4 at 600, 5 at 1,000,
/// 10 at 4,500. Each level asks 100 XP more than the one before.
public enum Progress {
    public static func experience(for facts: ProgressFacts) -> Int64 {
        facts.watchMilliseconds / 60_000
            + Int64(facts.chatLines) * 2
            + facts.coinsSpent / 10
            + facts.diamondsEarned / 10
            + facts.liveMilliseconds / 60_000 * 3
    }

    /// The XP at which `level` starts (level 1 at 0).
    public static func threshold(ofLevel level: Int) -> Int64 {
        let n = Int64(max(1, level))
        return 50 * n * (n - 1)
    }

    public static func level(forExperience xp: Int64) -> Int {
        guard xp > 0 else { return 1 }
        // The largest n with 50·n·(n−1) ≤ xp, from the quadratic's root, then corrected for
        // floating-point rounding at exact thresholds.
        var level = Int((1 + (1 + Double(xp) / 12.5).squareRoot()) / 2)
        while threshold(ofLevel: level + 1) <= xp { level += 1 }
        while level > 1, threshold(ofLevel: level) > xp { level -= 1 }
        return level
    }
}

/// A user's level, experience and what the next level needs (`users.getProfile`).
public struct LevelStanding: Sendable, Codable, Equatable {
    public var level: Int
    public var experience: Int64
    public var levelStartsAt: Int64
    public var nextLevelAt: Int64

    public init(experience: Int64) {
        self.experience = experience
        level = Progress.level(forExperience: experience)
        levelStartsAt = Progress.threshold(ofLevel: level)
        nextLevelAt = Progress.threshold(ofLevel: level + 1)
    }
}

/// What one evaluation changed: rewards to announce, each exactly once.
public struct ProgressUpdate: Sendable, Equatable {
    public var userId: UUID
    /// The facts this evaluation read (a profile shows them as statistics).
    public var facts: ProgressFacts
    public var standing: LevelStanding
    /// The new level when it rose since the user was last told (nil otherwise).
    public var levelUp: Int?
    /// Badges awarded by this evaluation (never one already held).
    public var newBadges: [Achievement]
    /// Notifications this evaluation stored (level_up, achievement), for live delivery.
    public var notifications: [UserNotification]
}
