/// How long forwarded packets spent inside the SFU: from the moment the loop took the ingress
/// datagram off the socket to the moment the egress `sendmmsg` that carried the copy returned.
///
/// Why inside the server: a client-side clock adds its own scheduling and socket delays (on a
/// two-core machine the readers compete with the loop), so the figure the media path promises
/// is measured where it is spent. Log-linear buckets — four per power of two from 1 µs — keep
/// recording allocation-free and O(1) with at most 25 % bucket width; percentiles report the
/// bucket's upper bound, so they never flatter.
public struct ForwardDelayHistogram: Sendable, Equatable {
    static let subBucketBits = 2
    static let subBuckets = 1 << subBucketBits
    /// 2^10 ns ≈ 1 µs: everything below falls in bucket 0.
    static let firstOctave = 10
    /// 2^35 ns ≈ 34 s: everything above falls in the last bucket.
    static let lastOctave = 35
    static let bucketCount = 1 + (lastOctave - firstOctave) * subBuckets + 1

    private(set) var counts: [UInt64]
    public private(set) var count: UInt64 = 0
    public private(set) var sumNanoseconds: UInt64 = 0

    public init() { counts = Array(repeating: 0, count: Self.bucketCount) }

    static func bucket(of nanoseconds: UInt64) -> Int {
        guard nanoseconds >= 1 << firstOctave else { return 0 }
        let octave = 63 - nanoseconds.leadingZeroBitCount
        guard octave < lastOctave else { return bucketCount - 1 }
        let sub = Int(truncatingIfNeeded: nanoseconds >> UInt64(octave - subBucketBits)) & (subBuckets - 1)
        return 1 + (octave - firstOctave) * subBuckets + sub
    }

    /// The largest value bucket `index` holds (nanoseconds); the last bucket has no bound.
    static func upperBound(of index: Int) -> UInt64 {
        guard index > 0 else { return 1 << UInt64(firstOctave) }
        guard index < bucketCount - 1 else { return .max }
        let octave = (index - 1) / subBuckets + firstOctave
        let sub = UInt64((index - 1) % subBuckets)
        return (UInt64(subBuckets) + sub + 1) << UInt64(octave - subBucketBits)
    }

    mutating func record(nanoseconds: UInt64) {
        counts[Self.bucket(of: nanoseconds)] += 1
        count += 1
        sumNanoseconds &+= nanoseconds
    }

    /// Upper bound (nanoseconds) of the bucket holding the `quantile` (0...1) of all samples,
    /// or nil before any sample.
    public func percentile(_ quantile: Double) -> UInt64? {
        guard count > 0 else { return nil }
        let rank = max(1, UInt64((Double(count) * min(max(quantile, 0), 1)).rounded(.up)))
        var seen: UInt64 = 0
        for (index, n) in counts.enumerated() {
            seen += n
            if seen >= rank { return Self.upperBound(of: index) }
        }
        return Self.upperBound(of: Self.bucketCount - 1)
    }

    /// Cumulative counts at each power of two from 1 µs (exact: octaves are bucket edges), the
    /// shape of a Prometheus histogram's `le` series. The last entry is everything (+Inf).
    public var cumulativeByOctave: [(upperBoundNanoseconds: UInt64, count: UInt64)] {
        var result: [(UInt64, UInt64)] = [(Self.upperBound(of: 0), counts[0])]
        var seen = counts[0]
        for octave in Self.firstOctave..<Self.lastOctave {
            let first = 1 + (octave - Self.firstOctave) * Self.subBuckets
            for index in first..<(first + Self.subBuckets) { seen += counts[index] }
            result.append((UInt64(1) << UInt64(octave + 1), seen))
        }
        result.append((.max, count))
        return result
    }

    /// Bucket-wise sum (the service adds up its loops; a benchmark subtracts a before from an after).
    public static func + (lhs: Self, rhs: Self) -> Self {
        var sum = lhs
        for index in sum.counts.indices { sum.counts[index] += rhs.counts[index] }
        sum.count += rhs.count
        sum.sumNanoseconds &+= rhs.sumNanoseconds
        return sum
    }

    public static func - (lhs: Self, rhs: Self) -> Self {
        var difference = lhs
        for index in difference.counts.indices { difference.counts[index] -= min(difference.counts[index], rhs.counts[index]) }
        difference.count -= min(difference.count, rhs.count)
        difference.sumNanoseconds &-= rhs.sumNanoseconds
        return difference
    }
}
