/// Token buckets per key (client address, user id), sans-I/O: time is a parameter, a
/// `Duration` since any fixed origin.
///
/// Memory is bounded: a bucket that has refilled is the same as no bucket and is dropped by a
/// sweep once per `sweepInterval`; past `maxKeys` the least recently used tenth is evicted
/// (those clients get a fresh bucket, the price of a bound under a flood of new addresses).
public struct TokenBucketLimiter<Key: Hashable & Sendable>: Sendable {
    public enum Decision: Sendable, Equatable {
        case allowed
        /// Refused; enough tokens for this request will be there after `retryAfter`.
        case limited(retryAfter: Duration)
    }

    struct Bucket: Sendable {
        var tokens: Double
        var updatedAt: Duration
    }

    public let rule: RateLimit
    public let maxKeys: Int
    public let sweepInterval: Duration
    private var buckets: [Key: Bucket] = [:]
    private var lastSweep: Duration?

    public init(rule: RateLimit, maxKeys: Int = 100_000, sweepInterval: Duration = .seconds(60)) {
        self.rule = rule
        self.maxKeys = max(maxKeys, 1)
        self.sweepInterval = sweepInterval
    }

    /// Buckets held now (for tests and metrics).
    public var trackedKeys: Int { buckets.count }

    /// Takes `cost` tokens from `key`'s bucket if it has them. A cost above the burst is
    /// charged as the burst, so a big batch is slow but never refused forever.
    public mutating func take(_ key: Key, cost: Int = 1, now: Duration) -> Decision {
        sweepIfDue(now: now)
        let burst = Double(rule.burst)
        let cost = Double(min(max(cost, 1), rule.burst))
        var bucket: Bucket
        if let existing = buckets[key] {
            bucket = existing
            bucket.tokens = refilled(bucket, now: now)
        } else {
            if buckets.count >= maxKeys { evict(now: now) }
            bucket = Bucket(tokens: burst, updatedAt: now)
        }
        bucket.updatedAt = max(bucket.updatedAt, now)
        let decision: Decision
        if bucket.tokens >= cost {
            bucket.tokens -= cost
            decision = .allowed
        } else {
            // Clamped so a configured rate near zero cannot overflow the conversion.
            let seconds = min((cost - bucket.tokens) / rule.ratePerSecond, 1e9)
            decision = .limited(retryAfter: .nanoseconds(Int64((seconds * 1e9).rounded(.up))))
        }
        buckets[key] = bucket
        return decision
    }

    private func refilled(_ bucket: Bucket, now: Duration) -> Double {
        // A clock that steps back never refills (nor drains) a bucket.
        guard now > bucket.updatedAt else { return bucket.tokens }
        let elapsed = Self.seconds(now - bucket.updatedAt)
        return min(Double(rule.burst), bucket.tokens + elapsed * rule.ratePerSecond)
    }

    private mutating func sweepIfDue(now: Duration) {
        guard let last = lastSweep else {
            lastSweep = now
            return
        }
        guard now - last >= sweepInterval else { return }
        lastSweep = now
        dropFull(now: now)
    }

    private mutating func dropFull(now: Duration) {
        let burst = Double(rule.burst)
        buckets = buckets.filter { refilled($0.value, now: now) < burst }
    }

    /// Full buckets first (free to drop); then the least recently used tenth, so the sort is
    /// paid once per `maxKeys / 10` new keys, not per request.
    private mutating func evict(now: Duration) {
        dropFull(now: now)
        guard buckets.count >= maxKeys else { return }
        let excess = buckets.count - maxKeys + 1
        let victims = max(excess, maxKeys / 10)
        let oldest = buckets.sorted { $0.value.updatedAt < $1.value.updatedAt }.prefix(victims)
        for (key, _) in oldest { buckets[key] = nil }
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
