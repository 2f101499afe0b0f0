#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Analytics
import Store

/// `analytics.getStreamStats`: one session's audience, engagement, series and gifts.
struct StreamStatsPayload: Encodable, Sendable {
    struct Viewers: Encodable, Sendable {
        var peak: Int
        var average: Double
        var unique: Int
    }

    struct EngagementPayload: Encodable, Sendable {
        var chatters: Int
        var gifters: Int
        var chatterShare: Double
        var gifterShare: Double
        var messages: Int
        var messagesPerMinute: Double
    }

    struct Point: Encodable, Sendable {
        var at: String
        var viewers: Int
        var chatLines: Int
        var gifts: Int
        var coins: Int64
    }

    struct Share: Encodable, Sendable {
        var key: String
        var viewers: Int
    }

    struct GiftLine: Encodable, Sendable {
        var giftId: String
        var name: String
        var gifts: Int
        var coins: Int64
        var senders: Int
    }

    struct Gifter: Encodable, Sendable {
        var userId: String
        var username: String
        var displayName: String
        var coins: Int64
        var gifts: Int
    }

    struct Gifts: Encodable, Sendable {
        var total: Int
        var coins: Int64
        var byGift: [GiftLine]
        var topGifters: [Gifter]
    }

    var sessionId: String
    var status: String
    var startedAt: String
    var endedAt: String?
    var durationSeconds: Double
    var viewers: Viewers
    var watchTimeSeconds: Double
    var averageWatchSeconds: Double
    var engagement: EngagementPayload
    var series: [Point]
    var countries: [Share]
    var devices: [Share]
    var operatingSystems: [Share]
    var browsers: [Share]
    var gifts: Gifts
    var followersGained: Int

    init(_ stats: StreamAnalytics) {
        let startMs = stats.session.startedAt.millisecondsSince1970
        let untilMs = stats.until.millisecondsSince1970
        let timeline = ViewerTimeline(
            visits: stats.viewerVisits.map {
                .init(user: $0.userId.apiString, joinedMs: $0.joinedAt.millisecondsSince1970,
                      leftMs: $0.leftAt?.millisecondsSince1970)
            },
            from: startMs, until: untilMs)
        let engagement = Engagement(uniqueViewers: timeline.unique, chatters: stats.chatters, gifters: stats.gifters,
                                    messages: stats.messages, durationMilliseconds: untilMs - startMs)
        sessionId = stats.session.id.apiString
        status = stats.session.status.rawValue
        startedAt = JSONDate.string(stats.session.startedAt)
        endedAt = stats.session.endedAt.map(JSONDate.string)
        durationSeconds = Double(max(0, untilMs - startMs)) / 1000
        viewers = Viewers(peak: timeline.peak, average: timeline.average, unique: timeline.unique)
        watchTimeSeconds = Double(timeline.watchMilliseconds) / 1000
        averageWatchSeconds = timeline.unique == 0 ? 0 : watchTimeSeconds / Double(timeline.unique)
        self.engagement = EngagementPayload(
            chatters: engagement.chatters, gifters: engagement.gifters, chatterShare: engagement.chatterShare,
            gifterShare: engagement.gifterShare, messages: engagement.messages,
            messagesPerMinute: engagement.messagesPerMinute)
        series = stats.samples.map {
            Point(at: JSONDate.string($0.sampledAt), viewers: $0.viewers, chatLines: $0.chatLines, gifts: $0.gifts,
                  coins: $0.coins)
        }
        let share = { (entry: BreakdownEntry) in Share(key: entry.key, viewers: entry.viewers) }
        countries = stats.byCountry.map(share)
        devices = stats.byDevice.map(share)
        operatingSystems = stats.byOS.map(share)
        browsers = stats.byBrowser.map(share)
        gifts = Gifts(
            total: stats.gifts, coins: stats.giftCoins,
            byGift: stats.giftsByGift.map {
                GiftLine(giftId: $0.giftId, name: $0.name, gifts: $0.gifts, coins: $0.coins, senders: $0.senders)
            },
            topGifters: stats.topGifters.map {
                Gifter(userId: $0.userId.apiString, username: $0.username, displayName: $0.displayName,
                       coins: $0.amount, gifts: $0.gifts)
            })
        followersGained = stats.followersGained
    }
}

/// `analytics.getHostStats`: a host's sessions of one period, summed.
struct HostStatsPayload: Encodable, Sendable {
    var period: String
    var from: String
    var to: String
    var sessions: Int
    var hoursLive: Double
    var uniqueViewers: Int
    var watchTimeSeconds: Double
    var peakViewers: Int
    var messages: Int
    var gifts: Int
    var coins: Int64
    var diamonds: Int64
    var followersGained: Int

    init(_ stats: HostAnalytics, period: StatsPeriod, window: ClosedRange<Int64>) {
        self.period = period.rawValue
        from = JSONDate.string(Date(timeIntervalSince1970: Double(window.lowerBound) / 1000))
        to = JSONDate.string(Date(timeIntervalSince1970: Double(window.upperBound) / 1000))
        sessions = stats.sessions
        hoursLive = Double(stats.liveMilliseconds) / 3_600_000
        uniqueViewers = stats.uniqueViewers
        watchTimeSeconds = Double(stats.watchMilliseconds) / 1000
        peakViewers = stats.peakViewers
        messages = stats.messages
        gifts = stats.gifts
        coins = stats.coins
        diamonds = stats.diamonds
        followersGained = stats.followersGained
    }
}
