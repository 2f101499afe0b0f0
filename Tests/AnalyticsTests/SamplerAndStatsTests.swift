import Foundation
import Logging
import Synchronization
import Testing
@testable import Analytics
@testable import LiveSessions
import Store

/// A scripted session on a real store, with time moved by hand: what the sampler writes every
/// tick, and the numbers getStreamStats and getHostStats answer.
@Suite("analytics: sampler series and stream/host stats on a scripted session")
struct SamplerAndStatsTests {
    final class Clock: Sendable {
        private let seconds = Mutex<Double>(0)
        func set(_ s: Double) { seconds.withLock { $0 = s } }
        var now: Date { at(seconds.withLock { $0 }) }
    }

    static let iPhone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1"
    static let windowsChrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
    static let androidTablet = "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"

    @Test("series every tick, a final sample at the end, and the stats from visits, chat, gifts and facts")
    func scriptedSession() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let clock = Clock()
        let facts = ViewerFactsRecorder(countries: CountryResolver())
        let sampler = AnalyticsSampler(store: store, facts: facts, interval: .seconds(10),
                                       logger: Logger(label: "test"), now: { clock.now })
        let host = try await store.makeUser("host")
        let (a, b, c) = try await (store.makeUser("a"), store.makeUser("b"), store.makeUser("c"))
        _ = try await store.users.follow(followerId: b.id, followeeId: host.id, now: at(-5))
        _ = try await store.ledger.addCoins(userId: a.id, amount: 100, idempotencyKey: "grant-a", by: nil, now: at(-1))

        // An older session, two days back, with one viewer: in the week, not in the day.
        let old = try await store.sessions.create(hostId: host.id, title: "old", now: at(-172_800)).id
        _ = try await store.sessions.recordJoin(sessionId: old, userId: c.id, role: .viewer, now: at(-172_790))
        _ = try await store.sessions.end(sessionId: old, now: at(-172_700))

        let s = try await store.sessions.create(hostId: host.id, title: "live", now: at(0)).id
        await sampler.prime()
        func join(_ user: User, _ agent: String, _ address: String, _ t: Double) async throws {
            facts.note(session: s, user: user.id, role: .viewer, userAgent: agent, address: address, at: at(t))
            _ = try await store.sessions.recordJoin(sessionId: s, userId: user.id, role: .viewer, now: at(t))
        }
        func say(_ user: User, _ t: Double) async throws {
            _ = try await store.chat.post(sessionId: s, authorId: user.id, text: "hi at \(t)", now: at(t))
        }
        try await join(a, Self.iPhone, "8.8.8.8", 1)
        try await join(b, Self.windowsChrome, "81.2.69.160", 2)
        try await say(a, 3)
        try await say(a, 4)
        let gift = try await store.gifts.sendGift(sessionId: s, senderId: a.id, giftId: "rose", count: 2,
                                                  idempotencyKey: "g1", now: at(5))
        _ = try await store.users.follow(followerId: a.id, followeeId: host.id, now: at(6))
        clock.set(10)
        await sampler.tick()

        _ = try await store.sessions.recordLeave(sessionId: s, userId: b.id, now: at(12))
        try await join(c, Self.androidTablet, "10.0.0.1", 13)
        try await say(c, 14)
        clock.set(20)
        await sampler.tick()

        try await say(a, 22)
        _ = try await store.sessions.end(sessionId: s, now: at(25))
        _ = try await store.users.follow(followerId: c.id, followeeId: host.id, now: at(30))
        clock.set(30)
        await sampler.tick()
        clock.set(40)
        await sampler.tick()

        let samples = try await store.analytics.samples(sessionId: s)
        #expect(samples.map { [$0.sampledAt.timeIntervalSince(at(0)), Double($0.viewers), Double($0.chatLines),
                               Double($0.gifts), Double($0.coins)] }
                == [[10, 2, 2, 2, 2], [20, 2, 1, 0, 0], [25, 0, 1, 0, 0]])
        #expect(try await store.analytics.samples(sessionId: old).isEmpty, "ended before the sampler started")

        let stats = StreamStatsPayload(try await store.analytics.stream(sessionId: s, now: at(40)))
        #expect(stats.durationSeconds == 25)
        #expect(stats.viewers.peak == 2 && stats.viewers.unique == 3)
        #expect(stats.watchTimeSeconds == 24 + 10 + 12)
        #expect(stats.viewers.average == 46.0 / 25.0)
        #expect(stats.engagement.chatters == 2 && stats.engagement.gifters == 1 && stats.engagement.messages == 4)
        #expect(stats.engagement.chatterShare == 2.0 / 3.0 && stats.engagement.gifterShare == 1.0 / 3.0)
        #expect(stats.engagement.messagesPerMinute == 4 * 60 / 25.0)
        #expect(stats.series.reduce(0) { $0 + $1.chatLines } == stats.engagement.messages)
        #expect(Dictionary(uniqueKeysWithValues: stats.countries.map { ($0.key, $0.viewers) }) == ["US": 1, "GB": 1, "unknown": 1])
        #expect(Dictionary(uniqueKeysWithValues: stats.devices.map { ($0.key, $0.viewers) })
                == ["mobile": 1, "desktop": 1, "tablet": 1])
        #expect(Dictionary(uniqueKeysWithValues: stats.operatingSystems.map { ($0.key, $0.viewers) })
                == ["iOS": 1, "Windows": 1, "Android": 1])
        #expect(Dictionary(uniqueKeysWithValues: stats.browsers.map { ($0.key, $0.viewers) }) == ["Safari": 1, "Chrome": 2])
        #expect(stats.gifts.total == 2 && stats.gifts.coins == 2)
        #expect(stats.gifts.byGift.map { [$0.giftId, "\($0.gifts)", "\($0.coins)", "\($0.senders)"] } == [["rose", "2", "2", "1"]])
        #expect(stats.gifts.topGifters.map(\.userId) == [a.id.apiString])
        #expect(stats.followersGained == 1, "a at 6 s; b before the start, c after the end")

        let day = StatsPeriod.day.window(endingAtMs: Int64(at(40).timeIntervalSince1970 * 1000))
        let daily = try await store.analytics.host(hostId: host.id, window: day, now: at(40))
        #expect(daily.sessions == 1 && daily.liveMilliseconds == 25_000)
        #expect(daily.uniqueViewers == 3 && daily.watchMilliseconds == 46_000)
        #expect(daily.gifts == 2 && daily.coins == 2 && daily.diamonds == gift.value.transaction.recipientDiamonds)
        #expect(daily.messages == 4 && daily.peakViewers == 2)
        #expect(daily.followersGained == 3)
        let week = StatsPeriod.week.window(endingAtMs: Int64(at(40).timeIntervalSince1970 * 1000))
        let weekly = try await store.analytics.host(hostId: host.id, window: week, now: at(40))
        #expect(weekly.sessions == 2 && weekly.liveMilliseconds == 25_000 + 100_000)
        #expect(weekly.uniqueViewers == 3 && weekly.watchMilliseconds == 46_000 + 90_000)
        let stranger = try await store.analytics.host(hostId: c.id, window: week, now: at(40))
        #expect(stranger == HostAnalytics())
    }

    @Test("a live session's stats run up to now; a session nobody watched is all zeros")
    func liveAndEmpty() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let host = try await store.makeUser("host")
        let viewer = try await store.makeUser("v")
        let s = try await store.sessions.create(hostId: host.id, title: "t", now: at(0)).id
        let empty = StreamStatsPayload(try await store.analytics.stream(sessionId: s, now: at(0)))
        #expect(empty.durationSeconds == 0 && empty.viewers.peak == 0 && empty.viewers.average == 0)
        #expect(empty.engagement.messagesPerMinute == 0 && empty.series.isEmpty && empty.countries.isEmpty)
        _ = try await store.sessions.recordJoin(sessionId: s, userId: viewer.id, role: .viewer, now: at(30))
        let live = StreamStatsPayload(try await store.analytics.stream(sessionId: s, now: at(60)))
        #expect(live.status == "live" && live.durationSeconds == 60 && live.watchTimeSeconds == 30)
        #expect(live.viewers.average == 0.5 && live.viewers.peak == 1)
        await #expect(throws: StoreError.self) { try await store.analytics.stream(sessionId: UUID(), now: at(1)) }
    }

    @Test("facts queue is bounded: past the limit joins are dropped and counted, never kept")
    func boundedQueue() {
        let facts = ViewerFactsRecorder(countries: .none, maxPending: 2)
        for _ in 0..<5 {
            facts.note(session: UUID(), user: UUID(), role: .viewer, userAgent: nil, address: "8.8.8.8", at: at(0))
        }
        let (queued, dropped) = facts.drain()
        #expect(queued.count == 2 && dropped == 3)
        #expect(queued.allSatisfy { $0.device == "unknown" && $0.country == nil })
        #expect(facts.drain().facts.isEmpty)
    }

    @Test("facts of a session that does not exist are skipped, not fatal to the batch")
    func strayFacts() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let host = try await store.makeUser("host")
        let s = try await store.sessions.create(hostId: host.id, title: "t", now: at(0)).id
        let good = ViewerFacts(sessionId: s, userId: host.id, role: .host, device: "desktop", joinedAt: at(1))
        let stray = ViewerFacts(sessionId: UUID(), userId: host.id, role: .viewer, device: "phone??", joinedAt: at(1))
        try await store.analytics.record([stray, good])
        #expect(try await store.analytics.facts(sessionId: s) == [good])
    }
}

/// A database file in a fresh temporary directory, removed when the value goes away.
final class TemporaryDatabase: Sendable {
    let directory: URL
    let path: String

    init() {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("chobi-analytics-tests-\(UUID().uuidString)", isDirectory: true)
        path = directory.appendingPathComponent("chobi.sqlite").path
    }

    func open() throws(StoreError) -> Store { try Store.open(path: path) }

    deinit { try? FileManager.default.removeItem(at: directory) }
}

/// Fixed instants for scripted timelines: `at(10)` is ten seconds after a fixed origin.
func at(_ seconds: Double) -> Date { Date(timeIntervalSince1970: 1_700_000_000 + seconds) }

extension Store {
    func makeUser(_ name: String) async throws -> User {
        try await users.create(username: name, passwordHash: "hash-of-\(name)", displayName: name.capitalized, now: at(-10))
    }
}
