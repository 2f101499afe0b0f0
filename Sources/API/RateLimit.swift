/// A token-bucket rule: `burst` requests at once, refilled at `ratePerSecond`.
public struct RateLimit: Sendable, Equatable {
    /// Tokens added per second (sustained requests per second).
    public var ratePerSecond: Double
    /// Bucket size: how many requests may come back to back after a quiet spell.
    public var burst: Int

    /// `ratePerSecond` below 0.001 and `burst` below 1 are raised to those, so a bucket always
    /// refills.
    public init(ratePerSecond: Double, burst: Int) {
        self.ratePerSecond = max(ratePerSecond.isFinite ? ratePerSecond : 0.001, 0.001)
        self.burst = max(burst, 1)
    }
}
