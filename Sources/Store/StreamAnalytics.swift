import Foundation
import GRDB

/// The raw numbers of one session's analytics, read in one transaction; the API turns them into
/// peaks, averages and shares (Analytics' `ViewerTimeline` and `Engagement`).
public struct StreamAnalytics: Sendable, Equatable {
    public var session: StreamingSession
    /// The end of the span the numbers cover: the session's end, or `now` while it is live.
    public var until: Date
    /// Every viewer visit (host and guests excluded), in the order they began.
    public var viewerVisits: [ParticipantVisit]
    /// Chat lines typed and not deleted (as in the session report).
    public var messages: Int
    /// Distinct viewers who typed a line / sent a gift.
    public var chatters: Int
    public var gifters: Int
    public var gifts: Int
    public var giftCoins: Int64
    public var samples: [SessionSample]
    /// Distinct viewers per value, most first; a missing value is "unknown".
    public var byCountry: [BreakdownEntry]
    public var byDevice: [BreakdownEntry]
    public var byOS: [BreakdownEntry]
    public var byBrowser: [BreakdownEntry]
    public var giftsByGift: [GiftTally]
    public var topGifters: [LeaderboardEntry]
    /// Follows of the host made between the session's start and `until`, still in place.
    public var followersGained: Int
}

/// How many distinct viewers had one value of a breakdown (a country, a device class, …).
public struct BreakdownEntry: Sendable, Codable, Equatable, Hashable {
    public var key: String
    public var viewers: Int

    public init(key: String, viewers: Int) {
        self.key = key
        self.viewers = viewers
    }
}

/// One catalog gift's part of a session's gifts.
public struct GiftTally: Sendable, Codable, Equatable, Hashable {
    public var giftId: String
    public var name: String
    /// Gifts sent (a combo of 5 counts 5), their coins, and how many distinct senders.
    public var gifts: Int
    public var coins: Int64
    public var senders: Int

    public init(giftId: String, name: String, gifts: Int, coins: Int64, senders: Int) {
        self.giftId = giftId
        self.name = name
        self.gifts = gifts
        self.coins = coins
        self.senders = senders
    }
}

/// A host's sessions that started in a period, summed (`analytics.getHostStats`).
public struct HostAnalytics: Sendable, Codable, Equatable {
    public var sessions: Int
    /// Sum of the sessions' durations (live ones up to `now`).
    public var liveMilliseconds: Int64
    /// Distinct users who watched any of them as viewers.
    public var uniqueViewers: Int
    /// Sum of their viewer visits (open ones up to `now`).
    public var watchMilliseconds: Int64
    /// Most viewers any one of them had at once (the stored peak).
    public var peakViewers: Int
    public var messages: Int
    /// Gifts sent in them (a combo of 5 counts 5), their coins, and the diamonds the host earned.
    public var gifts: Int
    public var coins: Int64
    public var diamonds: Int64
    /// Follows of the host made in the period, still in place.
    public var followersGained: Int

    public init(sessions: Int = 0, liveMilliseconds: Int64 = 0, uniqueViewers: Int = 0, watchMilliseconds: Int64 = 0,
                peakViewers: Int = 0, messages: Int = 0, gifts: Int = 0, coins: Int64 = 0, diamonds: Int64 = 0,
                followersGained: Int = 0) {
        self.sessions = sessions
        self.liveMilliseconds = liveMilliseconds
        self.uniqueViewers = uniqueViewers
        self.watchMilliseconds = watchMilliseconds
        self.peakViewers = peakViewers
        self.messages = messages
        self.gifts = gifts
        self.coins = coins
        self.diamonds = diamonds
        self.followersGained = followersGained
    }
}
