import Foundation
import GRDB
import Testing
@testable import Store

@Suite("Levels and badges")
struct ProgressTests {
    @Test("the level curve: level n starts at 50·n·(n−1) XP, exactly at each threshold")
    func levelCurve() {
        #expect(Progress.level(forExperience: 0) == 1)
        #expect(Progress.level(forExperience: 99) == 1)
        #expect(Progress.level(forExperience: 100) == 2)
        #expect(Progress.level(forExperience: 299) == 2)
        #expect(Progress.level(forExperience: 300) == 3)
        #expect(Progress.level(forExperience: 4_499) == 9)
        #expect(Progress.level(forExperience: 4_500) == 10)
        for level in 1...500 {
            let start = Progress.threshold(ofLevel: level)
            #expect(Progress.level(forExperience: start) == level)
            #expect(Progress.level(forExperience: start + 1) == level || level == 1 && start + 1 >= 100)
            if start > 0 { #expect(Progress.level(forExperience: start - 1) == level - 1) }
        }
        #expect(Progress.level(forExperience: -5) == 1)
        #expect(Progress.level(forExperience: Int64.max / 4) > 1)
    }

    @Test("experience from facts, by the documented weights")
    func experienceWeights() {
        var facts = ProgressFacts()
        facts.watchMilliseconds = 10 * 60_000 + 59_999  // 10 whole minutes
        facts.chatLines = 7                                // 14
        facts.coinsSpent = 1_005                           // 100
        facts.diamondsEarned = 49                          // 4
        facts.liveMilliseconds = 2 * 60_000                // 6
        #expect(Progress.experience(for: facts) == 10 + 14 + 100 + 4 + 6)
    }

    /// A host live for 10 minutes with a fan who gave 1,000 coins and chatted, ended.
    private func scripted() async throws -> (Store, TemporaryDatabase, User, User, UUID) {
        let file = TemporaryDatabase()
        let store = try file.open()
        let host = try await store.makeUser("host")
        let fan = try await store.makeUser("fan")
        _ = try await store.ledger.addCoins(userId: fan.id, amount: 5_000, idempotencyKey: "fund", by: nil, now: at(0))
        let session = try await store.sessions.create(hostId: host.id, title: "Live", now: at(0)).id
        for i in 0..<10 {
            _ = try await store.gifts.sendGift(sessionId: session, senderId: fan.id, giftId: "diamond", count: 1,
                                               idempotencyKey: "g\(i)", now: at(10 + Double(i)))
        }
        for i in 0..<5 { _ = try await store.chat.post(sessionId: session, authorId: fan.id, text: "hi \(i)", now: at(30)) }
        _ = try await store.sessions.end(sessionId: session, now: at(600))
        return (store, file, host, fan, session)
    }

    private static func data(_ reward: ProgressReward) -> String {
        switch reward {
        case .levelUp(let level): #"{"level":\#(level)}"#
        case .achievement(let a): #"{"achievementId":"\#(a.id)"}"#
        }
    }

    @Test("facts read back what the store holds")
    func facts() async throws {
        let (store, file, host, fan, _) = try await scripted()
        defer { withExtendedLifetime(file) {} }
        let fanFacts = try await store.progress.facts(userId: fan.id, now: at(700))
        #expect(fanFacts.giftsSent == 10 && fanFacts.coinsSpent == 1_000 && fanFacts.chatLines == 5)
        #expect(fanFacts.topGifterSessions == 1)
        let hostFacts = try await store.progress.facts(userId: host.id, now: at(700))
        #expect(hostFacts.streams == 1 && hostFacts.liveMilliseconds == 600_000)
        #expect(hostFacts.giftsReceived == 10 && hostFacts.diamondsEarned == 700)
    }

    @Test("top-gifter sessions: the biggest spender of each ended session (ties to the smaller id), from v10 files too")
    func topGifterSessions() async throws {
        let file = TemporaryDatabase()
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: file.path).deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        // Written by the v10 schema, the session ended as a v10 binary ended it (no top gifter kept).
        let (ids, tied, live): ([UUID], UUID, UUID) = try await {
            let pool = try DatabasePool(path: file.path, configuration: Store.configuration())
            try StoreSchema.migrator.migrate(pool, upTo: "v10-ledger-checks")
            let old = Store(pool: pool)
            var ids: [UUID] = []
            for name in ["host", "a", "b"] { ids.append(try await old.makeUser(name).id) }
            for fan in ids.dropFirst() {
                _ = try await old.ledger.addCoins(userId: fan, amount: 1_000, idempotencyKey: "fund-\(fan)", by: nil, now: at(0))
            }
            let tied = try await old.sessions.create(hostId: ids[0], title: "Tied", now: at(0)).id
            for fan in ids.dropFirst() {
                _ = try await old.gifts.sendGift(sessionId: tied, senderId: fan, giftId: "diamond", count: 1,
                                                 idempotencyKey: "tie-\(fan)", now: at(1))
            }
            try await pool.write { db in
                try db.execute(sql: "UPDATE streaming_sessions SET status = 'ended', ended_at = ? WHERE id = ?",
                               arguments: [at(2).millisecondsSince1970, tied.storeKey])
            }
            let live = try await old.sessions.create(hostId: ids[0], title: "Live", now: at(3)).id
            let bigger = ids[1].storeKey < ids[2].storeKey ? ids[2] : ids[1]
            _ = try await old.gifts.sendGift(sessionId: live, senderId: bigger, giftId: "diamond", count: 2,
                                             idempotencyKey: "live", now: at(4))
            try pool.close()
            return (ids, tied, live)
        }()
        let store = try file.open()
        let (smaller, bigger) = ids[1].storeKey < ids[2].storeKey ? (ids[1], ids[2]) : (ids[2], ids[1])
        let kept = try await store.pool.read { db in
            try String.fetchOne(db, sql: "SELECT top_gifter_id FROM session_stats WHERE session_id = ?",
                                arguments: [tied.storeKey])
        }
        #expect(kept == smaller.storeKey)
        #expect(try await store.progress.facts(userId: smaller, now: at(5)).topGifterSessions == 1)
        // A live session counts for nobody until it ends; then for its biggest spender.
        #expect(try await store.progress.facts(userId: bigger, now: at(5)).topGifterSessions == 0)
        _ = try await store.sessions.end(sessionId: live, now: at(6))
        #expect(try await store.progress.facts(userId: bigger, now: at(7)).topGifterSessions == 1)
        #expect(try await store.progress.facts(userId: smaller, now: at(7)).topGifterSessions == 1)
        #expect(try await store.progress.facts(userId: ids[0], now: at(7)).topGifterSessions == 0)
    }

    /// What the gift sums must equal: every gift record, summed from scratch.
    private func recount(_ store: Store, _ user: UUID) async throws -> GiftTotals {
        try await store.pool.read { db in
            let sent = try Row.fetchOne(db, sql: """
                SELECT COALESCE(SUM(count), 0), COALESCE(SUM(total_coins), 0) FROM gift_transactions WHERE sender_id = ?
                """, arguments: [user.storeKey])!
            let received = try Row.fetchOne(db, sql: """
                SELECT COALESCE(SUM(count), 0), COALESCE(SUM(recipient_diamonds), 0) FROM gift_transactions
                WHERE recipient_id = ?
                """, arguments: [user.storeKey])!
            return GiftTotals(throughEntry: 0, giftsSent: sent[0], coinsSpent: sent[1], giftsReceived: received[0],
                              diamondsEarned: received[1])
        }
    }

    @Test("gift sums are stored as of a ledger entry and then grow by what is new only; a staler store never overwrites")
    func giftSumsAreIncremental() async throws {
        let (store, file, host, fan, _) = try await scripted()
        defer { withExtendedLifetime(file) {} }
        let other = try await store.makeUser("other")
        _ = try await store.ledger.addCoins(userId: other.id, amount: 10_000, idempotencyKey: "fund-other", by: nil, now: at(0))
        // A second session, hosted by the fan: the fan now also receives.
        let second = try await store.sessions.create(hostId: fan.id, title: "Fan live", now: at(700)).id
        var stored: [UUID: Int64] = [:]
        for round in 0..<4 {
            for i in 0..<5 {
                _ = try await store.gifts.sendGift(sessionId: second, senderId: other.id, giftId: "heart", count: 1 + i,
                                                   idempotencyKey: "r\(round)-\(i)", now: at(800))
            }
            for user in [host.id, fan.id, other.id] {
                let sums = try await store.pool.read { db in try ProgressRepository.giftTotals(db, userId: user) }
                let expected = try await recount(store, user)
                #expect(GiftTotals(throughEntry: 0, giftsSent: sums.giftsSent, coinsSpent: sums.coinsSpent,
                                   giftsReceived: sums.giftsReceived, diamondsEarned: sums.diamondsEarned) == expected,
                        "round \(round)")
                // Only every other round stores, so the next read starts from a stored row half the time.
                if round % 2 == 0 {
                    _ = try await store.progress.evaluate(userId: user, now: at(900), notification: Self.data)
                    let through = try await store.pool.read { db in
                        try Int64.fetchOne(db, sql: "SELECT through_entry FROM progress_gift_totals WHERE user_id = ?",
                                           arguments: [user.storeKey])
                    }
                    #expect((through ?? 0) >= (stored[user] ?? 0))
                    stored[user] = through
                }
            }
        }
        let fanFacts = try await store.progress.facts(userId: fan.id, now: at(1000))
        #expect(fanFacts.giftsSent == 10 && fanFacts.coinsSpent == 1_000)
        // Diamonds are rounded down per gift: 5 coins × count, 70 %.
        let perRound = (1...5).reduce(Int64(0)) { $0 + Int64(5 * $1) * 70 / 100 }
        #expect(fanFacts.giftsReceived == 4 * 15 && fanFacts.diamondsEarned == 4 * perRound)
        // An evaluation that read an older state stores nothing over a newer one.
        try await store.pool.write { db in
            try ProgressRepository.store(GiftTotals(throughEntry: 1, giftsSent: 999), db, userId: fan.id)
        }
        let after = try await store.progress.facts(userId: fan.id, now: at(1000))
        #expect(after.giftsSent == 10 && after.giftsReceived == 60)
    }

    @Test("rewards are given once: evaluating again, or concurrently, writes nothing new")
    func exactlyOnce() async throws {
        let (store, file, _, fan, _) = try await scripted()
        defer { withExtendedLifetime(file) {} }
        let first = try await store.progress.evaluate(userId: fan.id, now: at(700), notification: Self.data)
        // 100 XP for coins + 10 for chat: level 2.
        #expect(first.standing.level == 2 && first.levelUp == 2)
        #expect(Set(first.newBadges.map(\.id)) == ["first_gift_sent", "top_gifter"])
        #expect(first.notifications.map(\.kind).filter { $0 == .achievement }.count == 2)
        #expect(first.notifications.contains { $0.kind == .levelUp })

        let again = try await withThrowingTaskGroup(of: ProgressUpdate.self) { group in
            for _ in 0..<8 { group.addTask { try await store.progress.evaluate(userId: fan.id, now: at(701), notification: Self.data) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(again.allSatisfy { $0.newBadges.isEmpty && $0.levelUp == nil && $0.notifications.isEmpty })
        #expect(try await store.progress.badges(userId: fan.id).count == 2)
        let page = try await store.notifications.page(userId: fan.id, limit: 100)
        #expect(page.notifications.count == 3 && page.unreadCount == 3)
    }

    @Test("the host's badges, and no level news at level 1 after a dip")
    func hostBadges() async throws {
        let (store, file, host, _, _) = try await scripted()
        defer { withExtendedLifetime(file) {} }
        let update = try await store.progress.evaluate(userId: host.id, now: at(700), notification: Self.data)
        // 30 XP live + 70 for diamonds: level 2.
        #expect(update.standing.experience == 100 && update.levelUp == 2)
        #expect(Set(update.newBadges.map(\.id)) == ["first_stream", "first_gift_received"])
    }

    @Test("settings: invite policy refuses invites, kinds turned off are not stored")
    func settings() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let host = try await store.makeUser("host")
        let shy = try await store.makeUser("shy")
        let session = try await store.sessions.create(hostId: host.id, title: "Live", now: at(0)).id
        var settings = try await store.progress.updateSettings(userId: shy.id, isPrivate: true, invitePolicy: .nobody, now: at(1))
        #expect(settings.isPrivate && settings.invitePolicy == .nobody)
        await #expect(throws: StoreError.invitesNotAccepted(userId: shy.id)) {
            _ = try await store.sessions.invite(sessionId: session, userId: shy.id, now: at(2))
        }
        settings = try await store.progress.updateSettings(userId: shy.id, isPrivate: nil, invitePolicy: .following, now: at(3))
        await #expect(throws: StoreError.invitesNotAccepted(userId: shy.id)) {
            _ = try await store.sessions.invite(sessionId: session, userId: shy.id, now: at(4))
        }
        _ = try await store.users.follow(followerId: shy.id, followeeId: host.id, now: at(5))
        _ = try await store.sessions.invite(sessionId: session, userId: shy.id, now: at(6))

        _ = try await store.notifications.setPreferences(userId: shy.id, [.wentLive: false])
        let stored = try await store.notifications.insert(
            [NotificationDraft(userId: shy.id, kind: .wentLive, data: "{}"),
             NotificationDraft(userId: shy.id, kind: .system, data: #"{"title":"hi"}"#)], now: at(7))
        #expect(stored.map(\.kind) == [.system])
        #expect(try await store.progress.settings(userId: shy.id).notifications[.wentLive] == false)
    }
}

@Suite("Notifications store")
struct NotificationStoreTests {
    @Test("fan-out in batches reaches every follower once, even when replayed")
    func fanOut() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let host = try await store.makeUser("host")
        var fans: [User] = []
        for i in 0..<25 {
            let fan = try await store.makeUser("fan\(i)")
            _ = try await store.users.follow(followerId: fan.id, followeeId: host.id, now: at(1))
            fans.append(fan)
        }
        for _ in 0..<2 {
            var after: String?
            var batches = 0
            repeat {
                let batch = try await store.notifications.fanOutToFollowers(
                    of: host.id, kind: .wentLive, data: "{}", dedupeKey: "went_live:s1", after: after, limit: 10, now: at(2))
                after = batch.next
                batches += 1
                #expect(batch.stored <= 10)
            } while after != nil
            #expect(batches == 3)
        }
        #expect(try await store.notifications.count(kind: .wentLive, dedupeKey: "went_live:s1") == 25)
    }

    @Test("pages newest first, unread only, and read marks only the owner's")
    func pagesAndReads() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let ana = try await store.makeUser("ana")
        let ben = try await store.makeUser("ben")
        let drafts = (0..<7).map { NotificationDraft(userId: ana.id, kind: .system, data: #"{"n":\#($0)}"#) }
        let stored = try await store.notifications.insert(drafts, now: at(1))
        let first = try await store.notifications.page(userId: ana.id, limit: 3)
        #expect(first.notifications.map(\.id) == stored.suffix(3).reversed().map(\.id))
        let second = try await store.notifications.page(userId: ana.id, cursor: first.nextCursor, limit: 3)
        #expect(second.notifications.map(\.id) == Array(stored[1...3]).reversed().map(\.id))
        // Ben cannot mark Ana's.
        #expect(try await store.notifications.markRead(userId: ben.id, ids: stored.map(\.id), now: at(2)) == 0)
        #expect(try await store.notifications.unreadCount(userId: ana.id) == 7)
        #expect(try await store.notifications.markRead(userId: ana.id, ids: [stored[0].id, stored[1].id], now: at(3)) == 5)
        let unread = try await store.notifications.page(userId: ana.id, limit: 100, unreadOnly: true)
        #expect(unread.notifications.count == 5 && unread.notifications.allSatisfy { $0.readAt == nil })
        #expect(try await store.notifications.markRead(userId: ana.id, ids: nil, now: at(4)) == 0)
    }

    @Test("data must be JSON: the schema refuses anything else")
    func dataIsJSON() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let ana = try await store.makeUser("ana")
        await #expect(throws: StoreError.self) {
            _ = try await store.notifications.insert([NotificationDraft(userId: ana.id, kind: .system, data: "not json")], now: at(1))
        }
    }
}

@Suite("Follow lists and search")
struct FollowListTests {
    @Test("follow lists page newest first without gaps or repeats")
    func followPages() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let star = try await store.makeUser("star")
        var expected: [String] = []
        for i in 0..<23 {
            let fan = try await store.makeUser("fan\(i)")
            // Pairs share a follow time: the cursor's tie-break on user id must hold.
            _ = try await store.users.follow(followerId: fan.id, followeeId: star.id, now: at(Double(i / 2)))
            expected.append(fan.username)
        }
        var seen: [String] = []
        var cursor: FollowCursor?
        repeat {
            let page = try await store.users.follows(of: star.id, direction: .followers, cursor: cursor, limit: 5)
            seen += page.entries.map(\.user.username)
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen.count == 23 && Set(seen) == Set(expected))
        let times = try await store.users.follows(of: star.id, direction: .followers, limit: 100).entries.map(\.followedAt)
        #expect(times == times.sorted(by: >))
        let following = try await store.users.follows(of: try #require(try await store.users.find(username: "fan3")).id,
                                                      direction: .following)
        #expect(following.entries.map(\.user.username) == ["star"])
    }

    @Test("search: prefix on usernames and names first, then names containing; wildcards are literal")
    func search() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        _ = try await store.users.create(username: "annabel", passwordHash: "x", displayName: "Belle", now: at(0))
        _ = try await store.users.create(username: "zed", passwordHash: "x", displayName: "Anna Z", now: at(0))
        _ = try await store.users.create(username: "bob", passwordHash: "x", displayName: "Hanna", now: at(0))
        _ = try await store.users.create(username: "pct", passwordHash: "x", displayName: "100% real", now: at(0))
        #expect(try await store.users.search("ANN").map(\.username) == ["annabel", "zed", "bob"])
        #expect(try await store.users.search("%").map(\.username) == ["pct"])
        #expect(try await store.users.search("_").isEmpty)
        #expect(try await store.users.search("   ").isEmpty)
        #expect(try await store.users.search("ann", limit: 1).map(\.username) == ["annabel"])
    }
}
