#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Testing
@testable import LiveSessions

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
}
