/// p50/p95/p99 of a set of samples (nearest rank: the smallest sample with at least that share
/// of samples at or below it), with the count, minimum, maximum and mean. Nil for no samples, so
/// a report never shows a percentile of nothing as zero.
public struct Spread: Codable, Sendable, Equatable {
    public var p50: Double
    public var p95: Double
    public var p99: Double
    public var min: Double
    public var max: Double
    public var mean: Double
    public var count: Int

    public init?(_ samples: [Double]) {
        let finite = samples.filter(\.isFinite)
        guard !finite.isEmpty else { return nil }
        let sorted = finite.sorted()
        p50 = Self.rank(0.50, in: sorted)
        p95 = Self.rank(0.95, in: sorted)
        p99 = Self.rank(0.99, in: sorted)
        min = sorted[0]
        max = sorted[sorted.count - 1]
        mean = sorted.reduce(0, +) / Double(sorted.count)
        count = sorted.count
    }

    /// Nearest-rank percentile of sorted, non-empty samples.
    public static func rank(_ quantile: Double, in sorted: [Double]) -> Double {
        let position = Int((quantile * Double(sorted.count)).rounded(.up))
        return sorted[Swift.min(sorted.count, Swift.max(1, position)) - 1]
    }
}
