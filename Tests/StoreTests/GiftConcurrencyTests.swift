import Foundation
import Testing
@testable import Store

@Suite("Gifts under concurrency")
struct GiftConcurrencyTests {
    @Test("8 tasks × 100 gifts from senders with too few coins, through two pools: money is conserved")
    func manyGiftsAtOnce() async throws {
        let file = TemporaryDatabase()
        let a = try file.open()
        let b = try file.open()  // a second pool on the same file, as a second process would have
        let host = try await a.makeUser("host")
        let guest = try await a.makeUser("guest")
        let session = try await a.sessions.create(hostId: host.id, title: "busy", now: at(0)).id
        try await a.putOnStage(guest.id, in: session)
        let funding: Int64 = 500
        var senders: [User] = []
        for i in 0..<4 {
            let sender = try await a.makeUser("sender\(i)")
            _ = try await a.ledger.addCoins(userId: sender.id, amount: funding, idempotencyKey: "fund\(i)", by: nil, now: at(1))
            senders.append(sender)
        }
        let gifts = ["rose", "heart", "cake", "star"]

        // Two tasks per sender (one per pool), racing for the same balance.
        let outcomes = await withTaskGroup(of: [Result<GiftReceipt, StoreError>].self) { group in
            for task in 0..<8 {
                let store = task.isMultiple(of: 2) ? a : b
                let sender = senders[task / 2]
                group.addTask {
                    var results: [Result<GiftReceipt, StoreError>] = []
                    for i in 0..<100 {
                        do throws(StoreError) {
                            let receipt = try await store.gifts.sendGift(
                                sessionId: session, senderId: sender.id, giftId: gifts[(i + task) % gifts.count],
                                recipientId: i.isMultiple(of: 3) ? guest.id : nil, count: 1 + i % 2,
                                idempotencyKey: "t\(task)-\(i)", now: at(2))
                            results.append(.success(receipt.value))
                        } catch {
                            results.append(.failure(error))
                        }
                    }
                    return results
                }
            }
            var all: [Result<GiftReceipt, StoreError>] = []
            for await results in group { all += results }
            return all
        }
        #expect(outcomes.count == 800)
        let sent = outcomes.compactMap { try? $0.get() }
        for case .failure(let error) in outcomes {
            guard case .insufficientCoins = error else {
                Issue.record("unexpected \(error)")
                continue
            }
        }
        #expect(!sent.isEmpty && sent.count < 800)

        // Every coin spent is in a recorded gift, and every recorded gift was answered.
        var spent: Int64 = 0
        for sender in senders {
            let balance = try await a.ledger.balance(userId: sender.id)
            #expect(balance.coins >= 0)
            spent += funding - balance.coins
        }
        #expect(spent == sent.reduce(0) { $0 + $1.transaction.totalCoins })
        #expect(try await a.rowCount("gift_transactions") == sent.count)
        #expect(try await a.chat.messages(sessionId: session, limit: 100).messages.allSatisfy { $0.kind == .gift })
        #expect(try await a.rowCount("chat_messages") == sent.count)
        let earned = try await a.ledger.balance(userId: host.id).diamonds + a.ledger.balance(userId: guest.id).diamonds
        let platform = try await a.pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT balance FROM accounts WHERE kind = 'platform'") ?? -1
        }
        #expect(earned + platform == spent)
        #expect(earned == sent.reduce(0) { $0 + $1.transaction.recipientDiamonds })
        // Each sender's receipts, in ledger order, show the balance falling by each gift's price.
        for sender in senders {
            let own = sent.filter { $0.transaction.senderId == sender.id }
                .sorted { $0.balance.coins > $1.balance.coins }
            var expected = funding
            for receipt in own {
                expected -= receipt.transaction.totalCoins
                #expect(receipt.balance.coins == expected)
            }
        }
        let report = try await b.ledger.verifyLedger()
        #expect(report.isClean, "\(report.violations)")
        #expect(report.minted == funding * 4 && report.circulating == funding * 4)
    }

    @Test("the same key sent by 8 tasks at once: one gift, seven identical replays")
    func concurrentRetries() async throws {
        let file = TemporaryDatabase()
        let a = try file.open()
        let b = try file.open()
        let host = try await a.makeUser("host")
        let fan = try await a.makeUser("fan")
        let session = try await a.sessions.create(hostId: host.id, title: "t", now: at(0)).id
        _ = try await a.ledger.addCoins(userId: fan.id, amount: 100, idempotencyKey: "fund", by: nil, now: at(1))
        let outcomes = try await withThrowingTaskGroup(of: IdempotentOutcome<GiftReceipt>.self) { group in
            for task in 0..<8 {
                let store = task.isMultiple(of: 2) ? a : b
                group.addTask {
                    try await store.gifts.sendGift(sessionId: session, senderId: fan.id, giftId: "cake", count: 3,
                                                   idempotencyKey: "once", now: at(2))
                }
            }
            var all: [IdempotentOutcome<GiftReceipt>] = []
            for try await outcome in group { all.append(outcome) }
            return all
        }
        #expect(outcomes.filter { !$0.replayed }.count == 1)
        #expect(Set(outcomes.map(\.value)).count == 1)
        #expect(try await a.ledger.balance(userId: fan.id).coins == 70)
        #expect(try await a.rowCount("gift_transactions") == 1)
        #expect(try await a.ledger.verifyLedger().isClean)
    }
}
