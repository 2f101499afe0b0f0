import Foundation
import Store
import Testing
@testable import LiveSessions

@Suite("notifications: gift sums, the events hub, JSON data")
struct NotificationsTests {
    private func receipt(from sender: UUID, name: String, to recipient: UUID, gift: String, count: Int, diamonds: Int64)
        -> GiftReceipt
    {
        let item = Gift(id: gift.lowercased(), name: gift, tier: .common, priceCoins: 10, animation: "a", canCombo: true,
                        sortOrder: 1)
        let transaction = GiftTransaction(
            id: UUID(), ledgerTransactionId: UUID(), sessionId: UUID(uuidString: "00000000-0000-0000-0000-000000000001")!,
            gift: item, senderId: sender, recipientId: recipient, count: count, unitPriceCoins: 10,
            totalCoins: Int64(count) * 10, recipientDiamonds: diamonds, platformCoins: Int64(count) * 10 - diamonds,
            chatMessageId: nil, createdAt: Date(timeIntervalSince1970: 0))
        return GiftReceipt(transaction: transaction, balance: CoinBalance(coins: 0, diamonds: 0), senderName: name)
    }

    @Test("a window's gifts are one notification per recipient, senders in order of their first gift")
    func giftSums() throws {
        let (host, guest) = (UUID(), UUID())
        let (ana, ben, cy, dee) = (UUID(), UUID(), UUID(), UUID())
        var tally = ReceivedGifts()
        tally.add(receipt(from: ana, name: "Ana", to: host, gift: "Rose", count: 2, diamonds: 14))
        tally.add(receipt(from: ben, name: "Ben", to: host, gift: "Heart", count: 1, diamonds: 7))
        tally.add(receipt(from: ana, name: "Ana", to: host, gift: "Rose", count: 1, diamonds: 7))
        tally.add(receipt(from: cy, name: "Cy", to: host, gift: "Cake", count: 3, diamonds: 21))
        tally.add(receipt(from: dee, name: "Dee", to: host, gift: "Star", count: 1, diamonds: 35))
        tally.add(receipt(from: ana, name: "Ana", to: guest, gift: "Rose", count: 1, diamonds: 7))
        let summaries = Dictionary(uniqueKeysWithValues: tally.drain().map { ($0.recipient, $0.payload) })
        let toHost = try #require(summaries[host])
        #expect(toHost.gifts == 8 && toHost.diamonds == 84 && toHost.senderCount == 4)
        #expect(toHost.senders == ["Ana", "Ben", "Cy"] && toHost.lastGift == "Star")
        #expect(toHost.text == "4 people sent you 8 gifts (+84 diamonds)")
        #expect(try #require(summaries[guest]).text == "Ana sent you Rose (+7 diamonds)")
        #expect(tally.drain().isEmpty, "a drained window starts empty")
    }

    @Test("the hub sends to every tab of a user, nobody else's; a slow tab keeps only the newest")
    func hub() async {
        let hub = EventsHub()
        let (ana, ben) = (UUID(), UUID())
        let tab1 = hub.open(userId: ana)
        let tab2 = hub.open(userId: ana)
        let other = hub.open(userId: ben)
        #expect(hub.connectionCount == 3 && Set(hub.connectedUsers()) == [ana, ben])
        #expect(hub.send("one", to: ana))
        #expect(!hub.send("lost", to: UUID()))
        for i in 0..<(EventsHub.queueLimit + 10) { hub.send("n\(i)", to: ben) }
        hub.close(userId: ana, id: tab1.id)
        hub.close(userId: ana, id: tab2.id)
        hub.close(userId: ben, id: other.id)
        #expect(hub.connectionCount == 0 && hub.connected(among: [ana, ben]).isEmpty)
        for tab in [tab1, tab2] {
            var got: [String] = []
            for await text in tab.events { got.append(text) }
            #expect(got == ["one"])
        }
        var kept: [String] = []
        for await text in other.events { kept.append(text) }
        #expect(kept.count == EventsHub.queueLimit && kept.first == "n10" && kept.last == "n\(EventsHub.queueLimit + 9)")
    }

    @Test("stored data goes out as an object, numbers whole where they are whole")
    func rawJSON() throws {
        let payload = NotificationPayload(UserNotification(
            id: 7, userId: UUID(), kind: .giftReceived, data: #"{"gifts":3,"ratio":0.5,"senders":["A"],"x":null,"ok":true}"#,
            createdAt: Date(timeIntervalSince1970: 1_700_000_000), readAt: nil))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(payload), as: UTF8.self)
        #expect(text.contains(#""data":{"gifts":3,"ok":true,"ratio":0.5,"senders":["A"],"x":null}"#), "\(text)")
        #expect(text.contains(#""kind":"gift_received""#) && text.contains(#""read":false"#))
        #expect(RawJSON("not json") == .null)
    }
}
