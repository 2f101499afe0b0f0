// Additive-increase / multiplicative-decrease rate control of GoogCC (draft-ietf-rmcat-gcc §5.5):
// turns the detector's verdicts into a bitrate. Overuse cuts the rate to `backoff` × what the
// receiver acknowledged (so the queue built above capacity drains); normal usage raises it,
// multiplicatively (~8 %/s) while no link capacity is known and additively (about one packet per
// response time) near the capacity last seen at an overuse; underuse holds it (the queue is
// draining: raising now would refill it). It does not measure anything itself: the verdicts come
// from `OveruseDetector`, the acknowledged bitrate from the caller.

public struct AIMDRateControl: Sendable {
    public enum State: Sendable, Equatable {
        case hold, increase, decrease
    }

    public struct Configuration: Sendable, Equatable, BitrateBounds {
        public var startBitrate: UInt64 = 300_000
        public var minBitrate: UInt64 = 30_000
        public var maxBitrate: UInt64 = 30_000_000
        /// A decrease goes to this fraction of the acknowledged bitrate.
        public var backoffFactor = 0.85
        /// Multiplicative growth per second, far from the link capacity.
        public var multiplicativeIncrease = 0.08
        /// The rate never grows past this multiple of the acknowledged bitrate (plus `increaseSlack`):
        /// raising an estimate the sender does not use tells nothing about the path.
        public var increaseLimitFactor = 1.5
        public var increaseSlack: UInt64 = 10_000
        /// Additive increase: one average packet (frames at `frameRate` cut into packets of at
        /// most `packetSize` bytes) per response time, at least `minAdditiveIncrease` bps per second.
        public var frameRate = 30.0
        public var packetSize = 1200.0
        public var minAdditiveIncrease = 4000.0
        /// How long the detector takes to notice an overuse, added to the RTT in the response time.
        public var detectorDelay: Duration = .milliseconds(100)

        public init() {}
    }

    public let configuration: Configuration
    public private(set) var estimate: UInt64
    public private(set) var state: State = .hold
    /// Round-trip time: paces further decreases and sizes the additive step.
    public var roundTripTime: Duration = .milliseconds(200)
    /// How many times an overuse cut the rate.
    public private(set) var decreases = 0
    private var linkCapacity = LinkCapacityEstimate()
    private var lastChange: Duration?
    private var latestAcknowledged: UInt64?

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        estimate = BitrateArithmetic.clamp(configuration.startBitrate, configuration.bitrateRange)
    }

    /// The capacity estimated at past overuses (bits per second), while it is believed.
    public var linkCapacityEstimate: UInt64? {
        linkCapacity.estimateKbps.map { BitrateArithmetic.bitrate($0 * 1000) }
    }

    /// Applies one verdict; `acknowledged` is the bitrate the receiver saw lately (nil when not
    /// known yet). Returns the new estimate.
    @discardableResult
    public mutating func update(usage: BandwidthUsage, acknowledged: UInt64?, at now: Duration) -> UInt64 {
        if let acknowledged { latestAcknowledged = acknowledged }
        if usage == .overusing {
            // Cut at most once per reduction interval: the previous cut needs a round trip to
            // show in the delay, unless the receiver already sees far less than we estimate.
            guard timeToReduceFurther(at: now, acknowledged: acknowledged) else { return estimate }
            guard let acknowledged else {
                // No throughput known yet: halve, which gives something to measure from.
                setEstimate(estimate / 2, at: now)
                decreases += 1
                return estimate
            }
            decrease(acknowledged: acknowledged, at: now)
            return estimate
        }
        if usage == .underusing {
            state = .hold
            return estimate
        }
        if state != .increase {
            // Leaving hold: the increase counts from now, not from the last change.
            state = .increase
            lastChange = now
        }
        increase(at: now)
        return estimate
    }

    /// Sets the estimate outright (a probe result, or the receive side's initial rate).
    public mutating func setEstimate(_ bitrate: UInt64, at now: Duration) {
        estimate = BitrateArithmetic.clamp(bitrate, configuration.bitrateRange)
        lastChange = now
    }

    /// A probe showed `bitrate` gets through: beyond the known capacity, forget that capacity
    /// so the rate grows multiplicatively again.
    public mutating func probeSucceeded(_ bitrate: UInt64, at now: Duration) {
        if let upper = linkCapacity.upperBoundKbps, Double(bitrate) / 1000 > upper { linkCapacity.reset() }
        if bitrate > estimate { setEstimate(bitrate, at: now) }
    }

    private func timeToReduceFurther(at now: Duration, acknowledged: UInt64?) -> Bool {
        let interval = Swift.min(Swift.max(roundTripTime, .milliseconds(10)), .milliseconds(200))
        guard let lastChange, now - lastChange < interval else { return true }
        guard let acknowledged else { return false }
        return Double(acknowledged) < 0.5 * Double(estimate)
    }

    private mutating func increase(at now: Duration) {
        let acknowledged = Double(latestAcknowledged ?? estimate)
        if let upper = linkCapacity.upperBoundKbps, acknowledged / 1000 > upper {
            // The path carries more than it did at the last overuse: the capacity moved.
            linkCapacity.reset()
        }
        let limit = configuration.increaseLimitFactor * acknowledged + Double(configuration.increaseSlack)
        let current = Double(estimate)
        let elapsed = lastChange.map { Swift.max(0, BitrateArithmetic.seconds(now - $0)) } ?? 0
        lastChange = now
        guard current < limit else { return }
        let step: Double
        if linkCapacity.estimateKbps != nil {
            step = additiveIncreasePerSecond() * elapsed
        } else {
            let factor = BitrateArithmetic.compoundGrowth(rate: configuration.multiplicativeIncrease,
                                                          seconds: Swift.min(elapsed, 1))
            step = Swift.max(current * (factor - 1), 1000 * Swift.min(elapsed, 1))
        }
        let raised = Swift.min(current + step, limit)
        estimate = BitrateArithmetic.clamp(BitrateArithmetic.bitrate(raised), configuration.bitrateRange)
    }

    private mutating func decrease(acknowledged: UInt64, at now: Duration) {
        state = .decrease
        let acknowledgedValue = Double(acknowledged)
        var target = configuration.backoffFactor * acknowledgedValue
        if target > Double(estimate), let capacity = linkCapacity.estimateKbps {
            // The receiver saw more than we estimate (a burst): back off from the capacity instead.
            target = configuration.backoffFactor * capacity * 1000
        }
        if target < Double(estimate) {
            estimate = BitrateArithmetic.clamp(BitrateArithmetic.bitrate(target), configuration.bitrateRange)
        }
        if let lower = linkCapacity.lowerBoundKbps, acknowledgedValue / 1000 < lower {
            // Far below the capacity we knew: that capacity is gone, start a new estimate.
            linkCapacity.reset()
        }
        linkCapacity.onOveruse(acknowledgedKbps: acknowledgedValue / 1000)
        decreases += 1
        // Hold until the detector says the queue stopped growing.
        state = .hold
        lastChange = now
    }

    /// Bits per second per second near the capacity: one average packet per response time.
    func additiveIncreasePerSecond() -> Double {
        let frameBits = Double(estimate) / configuration.frameRate
        let frameBytes = frameBits / 8
        let packetsPerFrame = Swift.max(1, BitrateArithmetic.ceiling(frameBytes / configuration.packetSize))
        let averagePacketBits = frameBits / packetsPerFrame
        let responseTime = 2 * BitrateArithmetic.seconds(roundTripTime + configuration.detectorDelay)
        guard responseTime > 0 else { return configuration.minAdditiveIncrease }
        return Swift.max(configuration.minAdditiveIncrease, averagePacketBits / responseTime)
    }
}

/// The link capacity seen at overuses, with its spread: a mean and a normalized variance,
/// smoothed over overuse events (kbps, the units the variance bounds are tuned in).
struct LinkCapacityEstimate: Sendable {
    private(set) var estimateKbps: Double?
    private var deviation = 0.4

    var upperBoundKbps: Double? {
        estimateKbps.map { $0 + 3 * deviationKbps($0) }
    }

    var lowerBoundKbps: Double? {
        estimateKbps.map { Swift.max(0, $0 - 3 * deviationKbps($0)) }
    }

    private func deviationKbps(_ estimate: Double) -> Double {
        BitrateArithmetic.squareRoot(deviation * estimate)
    }

    mutating func onOveruse(acknowledgedKbps sample: Double) {
        let alpha = 0.05
        let estimate = estimateKbps.map { (1 - alpha) * $0 + alpha * sample } ?? sample
        estimateKbps = estimate
        let norm = Swift.max(estimate, 1)
        let error = estimate - sample
        deviation = (1 - alpha) * deviation + alpha * error * error / norm
        // Bounds keep the band from collapsing to nothing or growing without limit.
        deviation = Swift.min(Swift.max(deviation, 0.4), 2.5)
    }

    mutating func reset() {
        estimateKbps = nil
    }
}
