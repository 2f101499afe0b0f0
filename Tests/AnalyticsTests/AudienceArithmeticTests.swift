import Testing
import TestSupport
@testable import Analytics

@Suite("audience arithmetic: peak, average, watch time, engagement, periods")
struct AudienceArithmeticTests {
    typealias Visit = ViewerTimeline.Visit

    /// Milliseconds on a virtual clock that starts at 1000 s.
    static func ms(_ clock: VirtualClock) -> Int64 {
        let (s, atto) = clock.now.components
        return s * 1000 + atto / 1_000_000_000_000_000
    }

    @Test("a scripted audience: peak, time-weighted average, unique, watch time")
    func scripted() {
        var clock = VirtualClock()
        let start = Self.ms(clock)
        var visits: [Visit] = []
        clock.advance(by: .seconds(10)); let aJoin = Self.ms(clock)            // a: 10..40
        clock.advance(by: .seconds(10)); let bJoin = Self.ms(clock)            // b: 20..open
        clock.advance(by: .seconds(20)); let aLeave = Self.ms(clock)
        visits.append(Visit(user: "a", joinedMs: aJoin, leftMs: aLeave))
        visits.append(Visit(user: "b", joinedMs: bJoin, leftMs: nil))
        visits.append(Visit(user: "a", joinedMs: aLeave, leftMs: aLeave + 20_000))  // reconnect in the same ms: 40..60
        visits.append(Visit(user: "c", joinedMs: start + 25_000, leftMs: start + 35_000))
        clock.advance(by: .seconds(60))
        let end = Self.ms(clock)                                                // 100 s
        let timeline = ViewerTimeline(visits: visits, from: start, until: end)
        #expect(timeline.peak == 3, "a, b and c between 25 and 35 s; the reconnect at 40 s is not a fourth")
        #expect(timeline.unique == 3)
        #expect(timeline.watchMilliseconds == 30_000 + 80_000 + 20_000 + 10_000)
        #expect(timeline.average == 1.4)
    }

    @Test("visits are clipped to the session; empty spans give zeros")
    func clipping() {
        let timeline = ViewerTimeline(visits: [Visit(user: "x", joinedMs: 500, leftMs: 5_000),
                                               Visit(user: "y", joinedMs: 9_000, leftMs: nil),
                                               Visit(user: "z", joinedMs: 20_000, leftMs: 30_000)],
                                      from: 1_000, until: 11_000)
        #expect(timeline.watchMilliseconds == 4_000 + 2_000)
        #expect(timeline.peak == 1)
        #expect(timeline.average == 0.6)
        let empty = ViewerTimeline(visits: [], from: 5, until: 5)
        #expect(empty == ViewerTimeline(visits: [], from: 9, until: 1))
        #expect(empty.peak == 0 && empty.average == 0 && empty.unique == 0 && empty.watchMilliseconds == 0)
    }

    @Test("engagement: shares of unique viewers and lines per minute")
    func engagement() {
        let e = Engagement(uniqueViewers: 4, chatters: 3, gifters: 1, messages: 45, durationMilliseconds: 90_000)
        #expect(e.chatterShare == 0.75 && e.gifterShare == 0.25)
        #expect(e.messagesPerMinute == 30)
        let none = Engagement(uniqueViewers: 0, chatters: 0, gifters: 0, messages: 3, durationMilliseconds: 0)
        #expect(none.chatterShare == 0 && none.gifterShare == 0 && none.messagesPerMinute == 0)
    }

    @Test("periods are rolling windows ending now")
    func periods() {
        let now: Int64 = 1_700_000_000_000
        #expect(StatsPeriod.day.window(endingAtMs: now) == (now - 86_400_000)...now)
        #expect(StatsPeriod.week.window(endingAtMs: now).lowerBound == now - 7 * 86_400_000)
        #expect(StatsPeriod.month.window(endingAtMs: now).lowerBound == now - 30 * 86_400_000)
        #expect(StatsPeriod(rawValue: "year") == nil)
    }
}
