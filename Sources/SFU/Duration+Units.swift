// Conversions between `Duration` and the units RTP and RTCP count in: RTP clock ticks and the
// 1/65536-second units of RTCP's DLSR field. Integer arithmetic on the seconds and nanoseconds
// parts separately, so nothing overflows for any realistic duration.

extension Duration {
    /// Whole RTP clock ticks in this duration at `rate` Hz (rounded towards negative infinity
    /// for the sub-second part; negative durations give negative ticks).
    @inlinable
    func ticks(atRate rate: UInt32) -> Int64 {
        let (seconds, attoseconds) = components
        let nanoseconds = attoseconds / 1_000_000_000
        return seconds * Int64(rate) + nanoseconds * Int64(rate) / 1_000_000_000
    }

    /// The duration of `ticks` RTP clock ticks at `rate` Hz.
    @inlinable
    static func ticks(_ ticks: Int64, atRate rate: UInt32) -> Duration {
        let rate = Int64(max(rate, 1))
        let seconds = ticks / rate
        let remainder = ticks % rate
        return .seconds(seconds) + .nanoseconds(remainder * 1_000_000_000 / rate)
    }

    /// This duration in 1/65536 s (RTCP DLSR units), clamped to 0...UInt32.max.
    @inlinable
    var rtcpShortUnits: UInt32 {
        let (seconds, attoseconds) = components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        let units = seconds * 65_536 + (attoseconds / 1_000_000_000) * 65_536 / 1_000_000_000
        return UInt32(clamping: units)
    }

    /// A duration of `units` × 1/65536 s.
    @inlinable
    static func rtcpShortUnits(_ units: UInt32) -> Duration {
        .nanoseconds(Int64(units) * 1_000_000_000 / 65_536)
    }
}
