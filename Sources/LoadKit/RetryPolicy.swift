import Foundation

/// When an HTTP call refused with 429 or 503 is tried again: after its `Retry-After` (delta
/// seconds, or an HTTP date), never sooner than `floor` and never later than `ceiling`, at most
/// `maxAttempts` times in all. Without the header it backs off 0.5 s, 1 s, 2 s... A load tool that
/// retries at once would measure its own storm, not the server.
public struct RetryPolicy: Sendable, Equatable {
    public var maxAttempts: Int
    public var floor: Double
    public var ceiling: Double

    public init(maxAttempts: Int = 6, floor: Double = 0.05, ceiling: Double = 30) {
        self.maxAttempts = maxAttempts
        self.floor = floor
        self.ceiling = ceiling
    }

    public enum Decision: Sendable, Equatable {
        case retry(afterSeconds: Double)
        case giveUp
    }

    /// What to do after attempt number `attempt` (1 for the first) answered `status`.
    public func decide(status: Int, retryAfter: String?, attempt: Int, now: Date = Date()) -> Decision {
        guard status == 429 || status == 503, attempt < maxAttempts else { return .giveUp }
        let backoff = 0.5 * Double(1 << Swift.min(10, attempt - 1))
        let wait = retryAfter.flatMap { Self.seconds(fromRetryAfter: $0, now: now) } ?? backoff
        guard wait <= ceiling else { return .giveUp }
        return .retry(afterSeconds: Swift.max(floor, wait))
    }

    /// A `Retry-After` value in seconds from `now` (RFC 9110 10.2.3): delta-seconds or an
    /// IMF-fixdate. Nil for anything else.
    public static func seconds(fromRetryAfter value: String, now: Date = Date()) -> Double? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber) {
            return Double(text)
        }
        guard let date = httpDate(text) else { return nil }
        return Swift.max(0, date.timeIntervalSince(now))
    }

    /// `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func httpDate(_ text: String) -> Date? {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]),
              let month = months.firstIndex(of: String(parts[2])), let year = Int(parts[3]) else { return nil }
        let clock = parts[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3, (1...31).contains(day), (0...23).contains(clock[0]), (0...59).contains(clock[1]),
              (0...60).contains(clock[2]) else { return nil }
        var components = DateComponents()
        (components.year, components.month, components.day) = (year, month + 1, day)
        (components.hour, components.minute, components.second) = (clock[0], clock[1], clock[2])
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "GMT") ?? calendar.timeZone
        return calendar.date(from: components)
    }
}
