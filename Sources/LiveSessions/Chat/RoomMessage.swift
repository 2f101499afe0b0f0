#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import API
import Store

/// The chat and gift messages a room's members get, as JSON text: the same bytes on a data
/// channel and on `/rtc` (docs/signaling.md, "Chat and gifts").
enum RoomMessage {
    /// One chat line as members see it.
    struct Line: Encodable, Sendable, Equatable {
        var id: Int64
        /// The author's user id (nil for system lines).
        var author: String?
        var username: String?
        var name: String?
        var role: String?
        var text: String
        var kind: String
        /// Unix milliseconds.
        var sentAt: Int64
        var clientMessageId: String?
    }

    static func line(_ message: ChatMessage, role: String? = nil) -> Line {
        Line(id: message.id, author: message.author?.id.apiString, username: message.author?.username,
             name: message.author?.displayName, role: role ?? message.author?.role?.rawValue, text: message.text,
             kind: message.kind.rawValue, sentAt: message.createdAt.millisecondsSince1970,
             clientMessageId: message.clientMessageId)
    }

    /// Written by hand (`JSONBytes`): every line and gift sends one. The same bytes as
    /// `encode(Typed(type: "new_message", body: line))`.
    static func newMessage(_ line: Line) -> String {
        var out = JSONBytes(capacity: 256)
        out.object { o in
            o.field("author", line.author)
            o.field("clientMessageId", line.clientMessageId)
            o.field("id", line.id)
            o.field("kind", line.kind)
            o.field("name", line.name)
            o.field("role", line.role)
            o.field("sentAt", line.sentAt)
            o.field("text", line.text)
            o.field("type", "new_message")
            o.field("username", line.username)
        }
        return String(decoding: out.bytes, as: UTF8.self)
    }

    static func history(_ lines: [Line]) -> String {
        struct History: Encodable { var messages: [Line] }
        return encode(Typed(type: "chat_history", body: History(messages: lines)))
    }

    static func deleted(id: Int64) -> String {
        struct Deleted: Encodable { var id: Int64 }
        return encode(Typed(type: "message_deleted", body: Deleted(id: id)))
    }

    static func error(_ refusal: ChatRefusal, clientMessageId: String? = nil) -> String {
        struct Failure: Encodable {
            var code: String
            var message: String
            var retryAfter: Int?
            var clientMessageId: String?
        }
        return encode(Typed(type: "chat_error", body: Failure(code: refusal.code, message: refusal.message,
                                                               retryAfter: refusal.retryAfter,
                                                               clientMessageId: clientMessageId)))
    }

    /// The host appointed or dismissed a moderator (pages show moderation to moderators).
    static func moderatorChanged(userId: String, moderator: Bool) -> String {
        struct Changed: Encodable { var userId: String; var moderator: Bool }
        return encode(Typed(type: "moderator_changed", body: Changed(userId: userId, moderator: moderator)))
    }

    struct Person: Encodable, Sendable, Equatable {
        var id: String
        var name: String
    }

    struct GiftAnimation: Encodable, Sendable, Equatable {
        struct GiftInfo: Encodable, Sendable, Equatable {
            var id: String
            var name: String
            var tier: String
            var animation: String
        }
        var gift: GiftInfo
        var sender: Person
        var recipient: Person
        var count: Int
        /// The sender's streak of this gift (1 for the first; each one within 3 s of the last adds one).
        var combo: Int
        var totalCoins: Int64
        var transactionId: String
    }

    /// Written by hand as `newMessage` is; the same bytes as
    /// `encode(Typed(type: "gift_animation", body: animation))`.
    static func giftAnimation(_ a: GiftAnimation) -> String {
        var out = JSONBytes(capacity: 384)
        out.object { o in
            o.field("combo", a.combo)
            o.field("count", a.count)
            o.field("gift") { o in
                o.field("animation", a.gift.animation)
                o.field("id", a.gift.id)
                o.field("name", a.gift.name)
                o.field("tier", a.gift.tier)
            }
            o.field("recipient") { o in
                o.field("id", a.recipient.id)
                o.field("name", a.recipient.name)
            }
            o.field("sender") { o in
                o.field("id", a.sender.id)
                o.field("name", a.sender.name)
            }
            o.field("totalCoins", a.totalCoins)
            o.field("transactionId", a.transactionId)
            o.field("type", "gift_animation")
        }
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// `{"type": ..., <body's fields>}`.
    struct Typed<Body: Encodable>: Encodable {
        var type: String
        var body: Body

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: TypeKey.self)
            try container.encode(type, forKey: .type)
            try body.encode(to: encoder)
        }

        enum TypeKey: String, CodingKey { case type }
    }

    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings, numbers and arrays of them only: encoding cannot fail.
        guard let data = try? encoder.encode(value) else { return #"{"type":"error"}"# }
        return String(decoding: data, as: UTF8.self)
    }
}
