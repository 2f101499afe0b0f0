/// The SFU's own view of what one stream sends it: bytes over the last second, in ten 100 ms
/// buckets, so the rate follows changes within a bucket's time without keeping a sample
/// per packet. O(1) per packet, no allocation.
public struct IngressRateMeter: Sendable {
    static let bucketCount = 10
    static let bucketLength: Duration = .milliseconds(100)

    private var bytes = [Int](repeating: 0, count: bucketCount)
    /// Index (time / bucket length) of the newest bucket written.
    private var newest: Int64?

    public init() {}

    public mutating func record(bytes count: Int, at now: Duration) {
        advance(to: now)
        let index = Int((newest ?? 0) % Int64(Self.bucketCount))
        bytes[index] += count
    }

    /// Bits per second over the last second (the current bucket counts in full).
    public mutating func bitrate(at now: Duration) -> UInt64 {
        advance(to: now)
        return UInt64(max(0, bytes.reduce(0, +))) * 8
    }

    /// Clears buckets that fell out of the window since the last call.
    private mutating func advance(to now: Duration) {
        let current = max(0, now / Self.bucketLength).clampedToInt64
        guard let last = newest else {
            newest = current
            return
        }
        guard current > last else { return }
        let stale = min(current - last, Int64(Self.bucketCount))
        for step in 1...stale {
            let index = Int((last + step) % Int64(Self.bucketCount))
            bytes[index] = 0
        }
        newest = current
    }
}

extension Double {
    /// The value as Int64, saturating instead of trapping on huge or non-finite input.
    var clampedToInt64: Int64 {
        guard isFinite else { return self > 0 ? .max : 0 }
        if self >= 9.2e18 { return .max }
        if self <= -9.2e18 { return .min }
        return Int64(self)
    }
}
