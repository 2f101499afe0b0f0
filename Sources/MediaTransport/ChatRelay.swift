import SFU

/// Room chat over data channels: what a client sends as text on its channel labelled `chat` is
/// stamped with who sent it (from the session's token, never from the message) and relayed to
/// every member's `chat` channel, the sender's included, so all see one order.
public struct ChatConfiguration: Sendable {
    /// The data channel label chat travels on.
    public static let label = "chat"

    /// Longest text accepted, in UTF-8 bytes.
    public var maxTextBytes: Int
    /// Messages a session may send per second, sustained, and in a burst.
    public var messagesPerSecond: Int
    public var burst: Int

    public init(maxTextBytes: Int = 1_000, messagesPerSecond: Int = 5, burst: Int = 10) {
        self.maxTextBytes = max(1, maxTextBytes)
        self.messagesPerSecond = max(1, messagesPerSecond)
        self.burst = max(1, burst)
    }
}

/// A token bucket on the loop's clock: `burst` messages at once, then `perSecond`.
struct ChatAllowance {
    private var tokens: Double
    private var updated: Duration?

    init(burst: Int) { tokens = Double(burst) }

    mutating func take(at now: Duration, perSecond: Int, burst: Int) -> Bool {
        if let updated {
            let elapsed = Double((now - updated) / .milliseconds(1)) / 1_000
            tokens = min(Double(burst), tokens + max(0, elapsed) * Double(perSecond))
        }
        updated = now
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}

/// Why a chat message was not relayed.
enum ChatRefusal: String {
    case binary, empty, tooLong, tooFast
}

/// The relayed form: one JSON object per message.
enum ChatEnvelope {
    /// `{"type":"chat","participant","user","name"?,"role","text","sentAt"}` (`sentAt`: Unix ms).
    static func json(participant: String, user: String, name: String?, role: RoomRole, text: String,
                     sentAtMilliseconds: Int64) -> String {
        var out = #"{"type":"chat","participant":"# + quoted(participant) + #","user":"# + quoted(user)
        if let name { out += #","name":"# + quoted(name) }
        out += #","role":"# + quoted(role.rawValue) + #","text":"# + quoted(text)
        out += #","sentAt":"# + String(sentAtMilliseconds) + "}"
        return out
    }

    /// A JSON string literal (RFC 8259 §7): quotes, backslashes and control characters escaped.
    static func quoted(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16, uppercase: false)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
