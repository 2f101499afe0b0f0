import Foundation
import GRDB
import Testing
@testable import Store

@Suite("Gifts and coins: catalog, purchases, sending, idempotency, refusals")
struct GiftRepositoryTests {
    /// A live session with a host, a guest on stage and a fan holding `coins`.
    struct Room {
        let file: TemporaryDatabase
        let store: Store
        let host: User
        let guest: User
        let fan: User
        let session: UUID
    }

    private func room(coins: Int64 = 1000) async throws -> Room {
        let file = TemporaryDatabase()
        let store = try file.open()
        let (host, guest, fan) = try await (store.makeUser("host"), store.makeUser("guest"), store.makeUser("fan"))
        let session = try await store.sessions.create(hostId: host.id, title: "t", now: at(0)).id
        _ = try await store.sessions.recordJoin(sessionId: session, userId: host.id, role: .host, now: at(0))
        try await store.putOnStage(guest.id, in: session, now: at(1))
        _ = try await store.sessions.recordJoin(sessionId: session, userId: fan.id, role: .viewer, now: at(1))
        if coins > 0 {
            _ = try await store.ledger.addCoins(userId: fan.id, amount: coins, idempotencyKey: "fund-fan", by: nil, now: at(1))
        }
        return Room(file: file, store: store, host: host, guest: guest, fan: fan, session: session)
    }

    /// Row counts of every table a gift writes.
    private func writes(_ store: Store) async throws -> [Int] {
        var counts: [Int] = []
        for table in ["ledger_entries", "ledger_transactions", "gift_transactions", "chat_messages", "accounts"] {
            counts.append(try await store.rowCount(table))
        }
        return counts
    }

    @Test("the catalog has the seeded tiers in order; legendary gifts do not combo")
    func catalog() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let gifts = try await store.gifts.catalog()
        #expect(gifts.map(\.id) == ["rose", "heart", "cake", "star", "diamond", "sports_car", "crown", "rocket", "castle"])
        #expect(gifts.map(\.priceCoins) == [1, 5, 10, 50, 100, 500, 1000, 5000, 10000])
        #expect(gifts.filter { $0.tier == .legendary }.allSatisfy { !$0.canCombo })
        #expect(gifts.filter { $0.tier != .legendary }.allSatisfy { $0.canCombo })
        #expect(gifts.first { $0.id == "rocket" }?.animation == "rocket-launch")
    }

    @Test("addCoins mints against purchases; a repeated key returns the first answer; other input conflicts")
    func addCoinsIdempotency() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let (admin, user) = try await (store.makeUser("admin"), store.makeUser("user"))
        let first = try await store.ledger.addCoins(userId: user.id, amount: 250, idempotencyKey: "p1", by: admin.id, now: at(1))
        #expect(!first.replayed && first.value.coinBalance == 250 && first.value.grantedBy == admin.id)
        let second = try await store.ledger.addCoins(userId: user.id, amount: 50, idempotencyKey: "p2", by: nil, now: at(2))
        #expect(second.value.coinBalance == 300 && second.value.grantedBy == nil)
        let replay = try await store.ledger.addCoins(userId: user.id, amount: 250, idempotencyKey: "p1", by: admin.id, now: at(3))
        #expect(replay.replayed && replay.value == first.value)  // same ids, and the balance it had then
        #expect(try await store.ledger.balance(userId: user.id) == CoinBalance(coins: 300, diamonds: 0))
        await #expect(throws: StoreError.idempotencyConflict(key: "p1")) {
            _ = try await store.ledger.addCoins(userId: user.id, amount: 251, idempotencyKey: "p1", by: admin.id, now: at(4))
        }
        await #expect(throws: StoreError.idempotencyConflict(key: "p1")) {
            _ = try await store.ledger.addCoins(userId: admin.id, amount: 250, idempotencyKey: "p1", by: admin.id, now: at(4))
        }
        for amount: Int64 in [0, -5, LedgerRepository.maxPurchase + 1] {
            await #expect(throws: StoreError.self) {
                _ = try await store.ledger.addCoins(userId: user.id, amount: amount, idempotencyKey: "bad\(amount)", by: nil, now: at(4))
            }
        }
        let ghost = UUID()
        await #expect(throws: StoreError.userNotFound(ghost)) {
            _ = try await store.ledger.addCoins(userId: ghost, amount: 1, idempotencyKey: "ghost", by: nil, now: at(4))
        }
        #expect(try await store.rowCount("coin_purchases") == 2)
        let report = try await store.ledger.verifyLedger()
        #expect(report.isClean && report.minted == 300 && report.circulating == 300)
    }

    @Test("a gift moves coins to the recipient's diamonds and the platform, with a chat line, in one go")
    func sendGiftMovesMoney() async throws {
        let r = try await room(coins: 1000)
        let outcome = try await r.store.gifts.sendGift(sessionId: r.session, senderId: r.fan.id, giftId: "star",
                                                       count: 3, idempotencyKey: "g1", now: at(5))
        #expect(!outcome.replayed)
        let tx = outcome.value.transaction
        #expect(tx.recipientId == r.host.id && tx.senderId == r.fan.id && tx.gift.id == "star" && tx.count == 3)
        #expect(tx.unitPriceCoins == 50 && tx.totalCoins == 150 && tx.recipientDiamonds == 105 && tx.platformCoins == 45)
        #expect(outcome.value.balance == CoinBalance(coins: 850, diamonds: 0))
        #expect(try await r.store.ledger.balance(userId: r.host.id) == CoinBalance(coins: 0, diamonds: 105))
        let lineId = try #require(tx.chatMessageId)
        let line = try #require(try await r.store.chat.message(id: lineId))
        #expect(line.kind == .gift && line.author?.id == r.fan.id && line.text == "sent Star ×3")

        // To a guest on stage, with an odd total: the recipient's share is rounded down.
        let toGuest = try await r.store.gifts.sendGift(sessionId: r.session, senderId: r.fan.id, giftId: "heart",
                                                       recipientId: r.guest.id, count: 3, idempotencyKey: "g2", now: at(6))
        #expect(toGuest.value.transaction.recipientDiamonds == 10 && toGuest.value.transaction.platformCoins == 5)
        // A single rose pays the recipient nothing at 70%: only the platform is credited.
        let rose = try await r.store.gifts.sendGift(sessionId: r.session, senderId: r.fan.id, giftId: "rose",
                                                    idempotencyKey: "g3", now: at(7))
        #expect(rose.value.transaction.recipientDiamonds == 0 && rose.value.transaction.platformCoins == 1)
        // The share is a parameter: all of it to the recipient.
        let generous = try await r.store.gifts.sendGift(sessionId: r.session, senderId: r.fan.id, giftId: "cake",
                                                        idempotencyKey: "g4", recipientSharePercent: 100, now: at(8))
        #expect(generous.value.transaction.recipientDiamonds == 10 && generous.value.transaction.platformCoins == 0)
        #expect(generous.value.balance.coins == 1000 - 150 - 15 - 1 - 10)

        let report = try await r.store.ledger.verifyLedger()
        #expect(report.isClean && report.minted == 1000 && report.circulating == 1000)
        let sessionReport = try await r.store.sessions.report(sessionId: r.session, now: at(9))
        #expect(sessionReport.gifts == 3 + 3 + 1 + 1 && sessionReport.giftCoins == 176)
        #expect(sessionReport.topGifters.map(\.userId) == [r.fan.id] && sessionReport.topGifters.first?.amount == 176)
    }

    @Test("a repeated key returns exactly the first receipt and writes nothing; other input conflicts")
    func sendGiftIdempotency() async throws {
        let r = try await room(coins: 1000)
        let first = try await r.store.gifts.sendGift(sessionId: r.session, senderId: r.fan.id, giftId: "diamond",
                                                     count: 2, idempotencyKey: "k", now: at(5))
        // Money moves in between, so a recomputed balance would differ from the first answer.
        _ = try await r.store.gifts.sendGift(sessionId: r.session, senderId: r.fan.id, giftId: "rose",
                                             idempotencyKey: "other", now: at(6))
        let before = try await writes(r.store)
        // Naming the host explicitly is the same request as leaving the recipient out.
        let replay = try await r.store.gifts.sendGift(sessionId: r.session, senderId: r.fan.id, giftId: "diamond",
                                                      recipientId: r.host.id, count: 2, idempotencyKey: "k", now: at(7))
        #expect(replay.replayed && replay.value == first.value)
        #expect(try await writes(r.store) == before)
        #expect(try await r.store.ledger.balance(userId: r.fan.id).coins == 1000 - 200 - 1)

        let others: [(String, Int, UUID?)] = [("diamond", 3, nil), ("star", 2, nil), ("diamond", 2, r.guest.id)]
        for (gift, count, recipient) in others {
            await #expect(throws: StoreError.idempotencyConflict(key: "k")) {
                _ = try await r.store.gifts.sendGift(sessionId: r.session, senderId: r.fan.id, giftId: gift,
                                                     recipientId: recipient, count: count, idempotencyKey: "k", now: at(8))
            }
        }
        // Keys belong to their sender: the guest may use "k" too.
        _ = try await r.store.ledger.addCoins(userId: r.guest.id, amount: 10, idempotencyKey: "fund-guest", by: nil, now: at(8))
        let guests = try await r.store.gifts.sendGift(sessionId: r.session, senderId: r.guest.id, giftId: "rose",
                                                      idempotencyKey: "k", now: at(8))
        #expect(!guests.replayed && guests.value.transaction.id != first.value.transaction.id)
        // After the session ends the retry still gets its receipt.
        _ = try await r.store.sessions.end(sessionId: r.session, now: at(9))
        let late = try await r.store.gifts.sendGift(sessionId: r.session, senderId: r.fan.id, giftId: "diamond",
                                                    count: 2, idempotencyKey: "k", now: at(10))
        #expect(late.replayed && late.value == first.value)
        #expect(try await r.store.ledger.verifyLedger().isClean)
    }

    @Test("a kicked sender cannot gift, and nothing is written")
    func bannedSenderRefused() async throws {
        let r = try await room(coins: 1000)
        _ = try await r.store.sessions.ban(sessionId: r.session, userId: r.fan.id, now: at(3))
        let before = try await writes(r.store)
        await #expect(throws: StoreError.banned(sessionId: r.session, userId: r.fan.id)) {
            try await r.store.gifts.sendGift(sessionId: r.session, senderId: r.fan.id, giftId: "rose",
                                             idempotencyKey: "after-kick", now: at(4))
        }
        #expect(try await writes(r.store) == before)
        #expect(try await r.store.ledger.balance(userId: r.fan.id).coins == 1000)
    }

    @Test("not enough coins: a clear error, and not a row or a coin moves")
    func insufficientCoins() async throws {
        let r = try await room(coins: 120)
        let before = try await writes(r.store)
        await #expect(throws: StoreError.insufficientCoins(needed: 150, available: 120)) {
            _ = try await r.store.gifts.sendGift(sessionId: r.session, senderId: r.fan.id, giftId: "star", count: 3,
                                                 idempotencyKey: "big", now: at(5))
        }
        // A user who never had coins.
        await #expect(throws: StoreError.insufficientCoins(needed: 1, available: 0)) {
            _ = try await r.store.gifts.sendGift(sessionId: r.session, senderId: r.guest.id, giftId: "rose",
                                                 idempotencyKey: "none", now: at(5))
        }
        #expect(try await writes(r.store) == before)
        #expect(try await r.store.ledger.balance(userId: r.fan.id) == CoinBalance(coins: 120, diamonds: 0))
        #expect(try await r.store.ledger.balance(userId: r.host.id) == CoinBalance(coins: 0, diamonds: 0))
        // The key was not used up by the failure: the same key works once affordable.
        let ok = try await r.store.gifts.sendGift(sessionId: r.session, senderId: r.fan.id, giftId: "star", count: 2,
                                                  idempotencyKey: "big", now: at(6))
        #expect(ok.value.balance.coins == 20)
    }

    @Test("refusals: self, off-stage recipient, ended or unknown session, unknown gift, combos, counts")
    func refusals() async throws {
        let r = try await room(coins: 100_000)
        let store = r.store
        func send(_ gift: String = "rose", from sender: UUID? = nil, to recipient: UUID? = nil, count: Int = 1,
                  session: UUID? = nil) async throws(StoreError) {
            _ = try await store.gifts.sendGift(sessionId: session ?? r.session, senderId: sender ?? r.fan.id,
                                               giftId: gift, recipientId: recipient, count: count,
                                               idempotencyKey: UUID().uuidString, now: at(5))
        }
        let outsider = try await store.makeUser("outsider")
        _ = try await store.ledger.addCoins(userId: r.host.id, amount: 10, idempotencyKey: "fund-host", by: nil, now: at(2))
        let before = try await writes(store)

        await #expect(throws: StoreError.cannotGiftSelf) { try await send(from: r.host.id) }
        await #expect(throws: StoreError.cannotGiftSelf) { try await send(to: r.fan.id) }
        // A viewer, a user not in the room, an accepted guest not (or no longer) on stage.
        await #expect(throws: StoreError.recipientNotOnStage(sessionId: r.session, userId: outsider.id)) {
            try await send(to: outsider.id)
        }
        let viewer = try await store.makeUser("viewer")
        _ = try await store.sessions.recordJoin(sessionId: r.session, userId: viewer.id, role: .viewer, now: at(2))
        await #expect(throws: StoreError.recipientNotOnStage(sessionId: r.session, userId: viewer.id)) {
            try await send(to: viewer.id)
        }
        _ = try await store.sessions.removeGuest(sessionId: r.session, userId: r.guest.id, now: at(3))
        await #expect(throws: StoreError.recipientNotOnStage(sessionId: r.session, userId: r.guest.id)) {
            try await send(to: r.guest.id)
        }
        await #expect(throws: StoreError.giftNotFound("unicorn")) { try await send("unicorn") }
        await #expect(throws: StoreError.giftNotComboable(giftId: "castle", count: 2)) { try await send("castle", count: 2) }
        for count in [0, -1, 100] {
            await #expect(throws: StoreError.self) { try await send(count: count) }
        }
        let nowhere = UUID()
        await #expect(throws: StoreError.sessionNotFound(nowhere)) { try await send(session: nowhere) }
        let ghost = UUID()
        await #expect(throws: StoreError.userNotFound(ghost)) { try await send(from: ghost) }
        await #expect(throws: StoreError.self) {
            _ = try await store.gifts.sendGift(sessionId: r.session, senderId: r.fan.id, giftId: "rose",
                                               idempotencyKey: "x", recipientSharePercent: 101, now: at(5))
        }
        #expect(try await writes(store) == before)

        _ = try await store.sessions.end(sessionId: r.session, now: at(6))
        await #expect(throws: StoreError.sessionEnded(r.session)) { try await send() }
        #expect(try await writes(store) == before)
        #expect(try await store.ledger.verifyLedger().isClean)
    }

    @Test("a user's movements page newest first across coins and diamonds")
    func movements() async throws {
        let r = try await room(coins: 100)
        _ = try await r.store.ledger.addCoins(userId: r.host.id, amount: 30, idempotencyKey: "host", by: nil, now: at(2))
        _ = try await r.store.gifts.sendGift(sessionId: r.session, senderId: r.fan.id, giftId: "cake", count: 2,
                                             idempotencyKey: "a", now: at(3))  // host +14 diamonds
        _ = try await r.store.gifts.sendGift(sessionId: r.session, senderId: r.host.id, giftId: "cake",
                                             recipientId: r.guest.id, idempotencyKey: "b", now: at(4))  // host −10 coins
        _ = try await r.store.gifts.sendGift(sessionId: r.session, senderId: r.fan.id, giftId: "heart",
                                             idempotencyKey: "c", now: at(5))  // host +3 diamonds

        let first = try await r.store.ledger.transactions(userId: r.host.id, limit: 2)
        #expect(first.movements.map(\.amount) == [3, -10])
        #expect(first.movements.map(\.balance) == [.diamonds, .coins])
        #expect(first.movements[0].counterpartyId == r.fan.id && first.movements[0].giftId == "heart")
        #expect(first.movements[1].counterpartyId == r.guest.id && first.movements[1].balanceAfter == 20)
        let second = try await r.store.ledger.transactions(userId: r.host.id, cursor: first.nextCursor, limit: 2)
        #expect(second.movements.map(\.amount) == [14, 30])
        #expect(second.movements.map(\.kind) == [.gift, .purchase])
        #expect(second.movements[0].balanceAfter == 14 && second.movements[0].giftCount == 2)
        #expect(second.movements[1].giftId == nil && second.movements[1].sessionId == nil)
        #expect(second.nextCursor == nil)
        #expect(try await r.store.ledger.transactions(userId: r.host.id).movements.count == 4)
        #expect(try await r.store.ledger.transactions(userId: UUID()).movements.isEmpty)
    }

    @Test("leaderboards rank gifters by coins and earners by diamonds, per session and since a time")
    func leaderboards() async throws {
        let r = try await room(coins: 1000)
        let store = r.store
        let big = try await store.makeUser("big")
        _ = try await store.ledger.addCoins(userId: big.id, amount: 10_000, idempotencyKey: "big", by: nil, now: at(1))
        _ = try await store.gifts.sendGift(sessionId: r.session, senderId: r.fan.id, giftId: "diamond",
                                           idempotencyKey: "1", now: at(10))
        _ = try await store.gifts.sendGift(sessionId: r.session, senderId: big.id, giftId: "crown",
                                           recipientId: r.guest.id, idempotencyKey: "2", now: at(20))
        _ = try await store.gifts.sendGift(sessionId: r.session, senderId: r.fan.id, giftId: "star", count: 2,
                                           idempotencyKey: "3", now: at(30))
        // Another session of another host.
        let other = try await store.sessions.create(hostId: r.fan.id, title: "fan's", now: at(40)).id
        _ = try await store.gifts.sendGift(sessionId: other, senderId: big.id, giftId: "rocket",
                                           idempotencyKey: "4", now: at(50))

        let session = try await store.gifts.leaderboard(sessionId: r.session)
        #expect(session.gifters.map(\.userId) == [big.id, r.fan.id])
        #expect(session.gifters.map(\.amount) == [1000, 200] && session.gifters.map(\.gifts) == [1, 3])
        #expect(session.earners.map(\.userId) == [r.guest.id, r.host.id])
        #expect(session.earners.map(\.amount) == [700, 140])
        #expect(session.gifters.first?.username == "big")

        let recent = try await store.gifts.leaderboard(since: at(25))
        #expect(recent.gifters.map(\.userId) == [big.id, r.fan.id] && recent.gifters.map(\.amount) == [5000, 100])
        #expect(recent.earners.map(\.userId) == [r.fan.id, r.host.id])
        let windowed = try await store.gifts.leaderboard(sessionId: r.session, since: at(15), limit: 1)
        #expect(windowed.gifters.map(\.userId) == [big.id] && windowed.earners.map(\.userId) == [r.guest.id])
        let all = try await store.gifts.leaderboard()
        #expect(all.gifters.map(\.amount) == [6000, 200])

        // The session's report names its top gifters.
        let report = try await store.sessions.end(sessionId: r.session, now: at(60))
        #expect(report.gifts == 4 && report.giftCoins == 1200)
        #expect(report.topGifters.map(\.userId) == [big.id, r.fan.id])
        #expect(try await store.sessions.report(sessionId: r.session, now: at(70)) == report)
    }
}
