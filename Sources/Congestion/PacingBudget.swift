// How many bytes may leave for one viewer now: a token bucket filled at the pacing rate
// (`pacingFactor` × target, so a frame drains in a fraction of its interval instead of in one
// burst that would fill the bottleneck queue), and a second bucket at the padding target rate
// that says how much padding (or RTX used as padding) may top the media up to it. Media sent
// counts against both, so padding only fills the gap. No queue, no clock: pure arithmetic on the
// times the caller passes; the SFU decides which packet goes.
//
// A packet may go while the bucket is positive, and may drive it negative (debt, paid back by
// later refill): packets are never split, and a packet larger than the bucket must still go.

public struct PacingBudget: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Pacing rate as a multiple of the target bitrate.
        public var pacingFactor = 2.5
        /// The bucket holds at most this much time's worth of bytes at the pacing rate.
        public var maxBurst: Duration = .milliseconds(20)
        /// …but always at least this many bytes, so one full-size packet can always go.
        public var minBurstBytes = 1500
        /// Debt is bounded to this much time at the pacing rate (a huge `consume` cannot stall the
        /// viewer for long).
        public var maxDebt: Duration = .milliseconds(500)

        public init() {}
    }

    public let configuration: Configuration
    /// Target bitrate the pacing rate is derived from.
    public private(set) var targetBitrate: UInt64
    /// Padding target: media plus padding should reach this rate (0: no padding).
    public private(set) var paddingBitrate: UInt64 = 0
    /// Bytes that may be sent now (negative: debt).
    public private(set) var mediaTokens: Double
    private var paddingTokens = 0.0
    private var lastRefill: Duration?

    public init(targetBitrate: UInt64, configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.targetBitrate = targetBitrate
        mediaTokens = Double(configuration.minBurstBytes)
    }

    /// Bytes per second at the pacing rate.
    public var pacingRate: Double { Double(targetBitrate) * configuration.pacingFactor / 8 }

    private var mediaCapacity: Double {
        Swift.max(Double(configuration.minBurstBytes), pacingRate * BitrateArithmetic.seconds(configuration.maxBurst))
    }

    private var paddingCapacity: Double {
        Swift.max(Double(configuration.minBurstBytes),
                  Double(paddingBitrate) / 8 * BitrateArithmetic.seconds(configuration.maxBurst))
    }

    /// Changes the rates (from the estimator's target, and the padding the allocator or a probe
    /// wants); tokens earned so far at the old rates are kept.
    public mutating func setRates(target: UInt64, padding: UInt64 = 0, at now: Duration) {
        refill(at: now)
        targetBitrate = target
        paddingBitrate = padding
        mediaTokens = Swift.min(mediaTokens, mediaCapacity)
        paddingTokens = Swift.min(paddingTokens, paddingCapacity)
    }

    /// Whether a packet of `bytes` may be sent at `now` (then `consume` it).
    public mutating func canSend(bytes: Int, at now: Duration) -> Bool {
        refill(at: now)
        return mediaTokens > 0 || bytes <= 0
    }

    /// Counts `bytes` sent at `now` (media or padding) against both buckets.
    public mutating func consume(bytes: Int, at now: Duration) {
        refill(at: now)
        let amount = Double(Swift.max(0, bytes))
        let maxDebt = pacingRate * BitrateArithmetic.seconds(configuration.maxDebt)
        mediaTokens = Swift.max(mediaTokens - amount, -Swift.max(maxDebt, Double(configuration.minBurstBytes)))
        paddingTokens = Swift.max(paddingTokens - amount, -paddingCapacity)
    }

    /// Bytes of padding allowed now: what the padding bucket holds, within what pacing allows.
    public mutating func paddingBudget(at now: Duration) -> Int {
        refill(at: now)
        guard paddingBitrate > 0 else { return 0 }
        let allowed = Swift.min(paddingTokens, Swift.max(mediaTokens, 0))
        return allowed > 0 ? Int(allowed) : 0
    }

    /// When a packet could next be sent: now if the bucket is positive, else when refill pays
    /// the debt back.
    public mutating func nextSendTime(at now: Duration) -> Duration {
        refill(at: now)
        guard mediaTokens <= 0 else { return now }
        guard pacingRate > 0 else { return now + .seconds(1) }
        // A hair past the instant the bucket reaches zero, so `canSend` then sees it positive.
        return now + BitrateArithmetic.duration(seconds: (-mediaTokens + 1) / pacingRate)
    }

    private mutating func refill(at now: Duration) {
        guard let last = lastRefill else {
            lastRefill = now
            return
        }
        // Time going backwards earns nothing (and does not move the reference back).
        guard now > last else { return }
        lastRefill = now
        let elapsed = BitrateArithmetic.seconds(now - last)
        mediaTokens = Swift.min(mediaTokens + pacingRate * elapsed, mediaCapacity)
        paddingTokens = Swift.min(paddingTokens + Double(paddingBitrate) / 8 * elapsed, paddingCapacity)
    }
}
