#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Testing
import API
@testable import LiveSessions
import Store

@Suite("room messages: the JSON members get, byte for byte")
struct RoomMessageTests {
    @Test("new_message, message_deleted, chat_history and chat_error")
    func chat() {
        let line = RoomMessage.Line(id: 7, author: "u1", username: "ann", name: "Ann \"A\"", role: "viewer",
                                    text: "hi </script> ✓", kind: "text", sentAt: 1_700_000_000_123, clientMessageId: nil)
        #expect(RoomMessage.newMessage(line) == #"{"author":"u1","id":7,"kind":"text","name":"Ann \"A\"","role":"viewer","sentAt":1700000000123,"text":"hi </script> ✓","type":"new_message","username":"ann"}"#)
        #expect(RoomMessage.deleted(id: 7) == #"{"id":7,"type":"message_deleted"}"#)
        #expect(RoomMessage.history([]) == #"{"messages":[],"type":"chat_history"}"#)
        #expect(RoomMessage.error(.slowMode(seconds: 3), clientMessageId: "c") == #"{"clientMessageId":"c","code":"slow_mode","message":"slow mode: wait 3 s","retryAfter":3,"type":"chat_error"}"#)
    }

    @Test("gift_animation")
    func gift() {
        let animation = RoomMessage.GiftAnimation(
            gift: .init(id: "rose", name: "Rose", tier: "common", animation: "rose-float"),
            sender: .init(id: "s", name: "Sam"), recipient: .init(id: "h", name: "Hana"),
            count: 2, combo: 3, totalCoins: 2, transactionId: "t")
        #expect(RoomMessage.giftAnimation(animation) == #"{"combo":3,"count":2,"gift":{"animation":"rose-float","id":"rose","name":"Rose","tier":"common"},"recipient":{"id":"h","name":"Hana"},"sender":{"id":"s","name":"Sam"},"totalCoins":2,"transactionId":"t","type":"gift_animation"}"#)
    }

    static let texts = ["", "plain", "quote \" backslash \\ </script>", "tab\t nul \u{0} esc \u{1b} del \u{7f}",
                        "\u{2028} café 日本語 🎁👩‍👩‍👧", String(repeating: "y", count: 600)]

    @Test("the hand-written new_message and gift_animation are the Encodable ones, byte for byte", arguments: texts)
    func fastPathsMatchEncoder(_ text: String) {
        for (author, clientId) in [(Optional("u1"), Optional(text)), (nil, nil)] {
            let line = RoomMessage.Line(id: Int64.max, author: author, username: author.map { _ in text }, name: text,
                                        role: author == nil ? nil : "host", text: text, kind: "gift",
                                        sentAt: 1_700_000_000_123, clientMessageId: clientId)
            #expect(RoomMessage.newMessage(line) == RoomMessage.encode(RoomMessage.Typed(type: "new_message", body: line)))
        }
        let animation = RoomMessage.GiftAnimation(
            gift: .init(id: text, name: text, tier: "legendary", animation: text),
            sender: .init(id: "s", name: text), recipient: .init(id: text, name: ""),
            count: 99, combo: 0, totalCoins: -1, transactionId: text)
        #expect(RoomMessage.giftAnimation(animation) == RoomMessage.encode(RoomMessage.Typed(type: "gift_animation", body: animation)))
    }

    @Test("sendGift's hand-written answer is its Encodable form, byte for byte", arguments: texts)
    func sentMatchesEncoder(_ text: String) throws {
        for chatMessageId in [Optional(Int64(12)), nil] {
            let sent = GiftProcedures.Sent(
                transaction: .init(id: text, ledgerTransactionId: "l", sessionId: "s",
                                   gift: .init(Gift(id: text, name: text, tier: .rare, priceCoins: 500, animation: text,
                                                    canCombo: true, sortOrder: 1)),
                                   senderId: "a", recipientId: "b", count: 3, totalCoins: 1_500, recipientDiamonds: 1_050,
                                   platformCoins: 450, chatMessageId: chatMessageId, createdAt: "2026-12-06T21:00:00.123Z"),
                balance: .init(CoinBalance(coins: 0, diamonds: Int64.max)), replayed: chatMessageId == nil)
            var out = JSONBytes()
            sent.writeJSON(to: &out)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            // JSONEncoder knows nothing of `writeJSON`: this is the synthesized Encodable form.
            #expect(String(decoding: out.bytes, as: UTF8.self) == String(decoding: try encoder.encode(sent), as: UTF8.self))
        }
    }
}

