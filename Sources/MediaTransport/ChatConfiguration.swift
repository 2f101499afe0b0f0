import SFU

/// Room chat over data channels, as far as the media loop goes: text on a session's channel
/// labelled `chat` is handed to the chat service with who sent it (from the session's token,
/// never from the message), after a transport-level guard against floods and oversized frames.
/// The room's own rules (length, mutes, slow mode, filter) are the chat service's.
public struct ChatConfiguration: Sendable {
    /// The data channel label chat travels on.
    public static let label = "chat"

    /// Longest text accepted, in UTF-8 bytes.
    public var maxTextBytes: Int
    /// Messages a session may send per second, sustained, and in a burst.
    public var messagesPerSecond: Int
    public var burst: Int

    public init(maxTextBytes: Int = 4_096, messagesPerSecond: Int = 5, burst: Int = 10) {
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

/// Why the media loop dropped a chat frame before the chat service saw it.
enum ChatFrameRefusal: String {
    case binary, empty, tooLong, tooFast
}
