/// The window `analytics.getHostStats` sums over: the last 24 hours, 7 days or 30 days up to now.
/// Rolling windows, not calendar ones: the server does not know the host's time zone, and "the
/// last 7 days" reads the same in every one.
public enum StatsPeriod: String, Sendable, Codable, CaseIterable {
    case day, week, month

    public var milliseconds: Int64 {
        switch self {
        case .day: 86_400_000
        case .week: 7 * 86_400_000
        case .month: 30 * 86_400_000
        }
    }

    /// [now - period, now] in milliseconds since 1970.
    public func window(endingAtMs nowMs: Int64) -> ClosedRange<Int64> {
        (nowMs - milliseconds)...nowMs
    }
}
