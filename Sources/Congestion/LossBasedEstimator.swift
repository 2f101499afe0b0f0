// The loss-based bound of GoogCC's send side (draft-ietf-rmcat-gcc §6): from the fraction of
// packets lost, grow (< 2 %: ~8 %/s), hold (2–10 %) or cut (> 10 %: × (1 − loss / 2), at most
// once per 300 ms + RTT so one loss episode is not punished twice). It is the whole estimate for
// viewers that send only receiver reports, and a ceiling for the others. It does not count
// losses itself: callers give a ratio (from transport-wide feedback or a report's fraction lost).
//
// "Grow" never leaves it below the other estimates while losses are low: the loss-based bound
// must not be what holds back a delay-based or REMB estimate on a clean path. "Hold" and "cut"
// start from the current target, so the bound bites as soon as losses appear.

public struct LossBasedEstimator: Sendable {
    public struct Configuration: Sendable, Equatable, BitrateBounds {
        public var startBitrate: UInt64 = 300_000
        public var minBitrate: UInt64 = 30_000
        public var maxBitrate: UInt64 = 30_000_000
        /// Below this loss the bound grows.
        public var lowLoss = 0.02
        /// Above this loss the bound is cut.
        public var highLoss = 0.10
        /// Growth per second while losses are low.
        public var increasePerSecond = 0.08
        /// Plus this many bits per second each second (so very low rates still climb).
        public var increaseSlack = 1000.0
        /// Cuts are at least this far apart, plus the round-trip time.
        public var decreaseInterval: Duration = .milliseconds(300)

        public init() {}
    }

    public let configuration: Configuration
    public private(set) var estimate: UInt64
    /// The last loss ratio reported, 0...1.
    public private(set) var lossRatio = 0.0
    private var lastUpdate: Duration?
    private var lastDecrease: Duration?

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        estimate = BitrateArithmetic.clamp(configuration.startBitrate, configuration.bitrateRange)
    }

    /// Applies one loss report. `target` is the send side's current target (the minimum of all
    /// bounds), `otherEstimates` the minimum of the other bounds (delay-based, REMB), nil if none.
    public mutating func onLossReport(ratio: Double, target: UInt64, otherEstimates: UInt64?,
                                      roundTripTime: Duration, at now: Duration) {
        let ratio = ratio.isFinite ? Swift.min(Swift.max(ratio, 0), 1) : 0
        lossRatio = ratio
        let elapsed = lastUpdate.map { Swift.min(Swift.max(0, BitrateArithmetic.seconds(now - $0)), 1) } ?? 0
        lastUpdate = now
        if ratio < configuration.lowLoss {
            let factor = BitrateArithmetic.compoundGrowth(rate: configuration.increasePerSecond, seconds: elapsed)
            // Grow from the target, not from a bound the other estimates left far behind; and
            // never stay below those others while the path is clean.
            let base = Double(Swift.min(estimate, target))
            let grown = BitrateArithmetic.bitrate(base * factor + configuration.increaseSlack * elapsed)
            estimate = BitrateArithmetic.clamp(Swift.max(grown, otherEstimates ?? 0), configuration.bitrateRange)
        } else if ratio <= configuration.highLoss {
            // Hold the target where it is: the others may not pull it up while losses last.
            estimate = BitrateArithmetic.clamp(Swift.min(estimate, target), configuration.bitrateRange)
        } else {
            let interval = configuration.decreaseInterval + Swift.max(roundTripTime, .zero)
            if let lastDecrease, now - lastDecrease < interval, now >= lastDecrease { return }
            lastDecrease = now
            let base = Double(Swift.min(estimate, target))
            let cut = BitrateArithmetic.bitrate(base * (1 - 0.5 * ratio))
            estimate = BitrateArithmetic.clamp(cut, configuration.bitrateRange)
        }
    }

    /// Another estimate (REMB, delay-based) moved to `bitrate`: on a clean path the loss-based
    /// bound follows it at once rather than at the next loss report.
    public mutating func follow(_ bitrate: UInt64) {
        guard lossRatio < configuration.lowLoss else { return }
        raise(to: bitrate)
    }

    /// A probe or another trusted measurement showed `bitrate` gets through without loss.
    public mutating func raise(to bitrate: UInt64) {
        estimate = BitrateArithmetic.clamp(Swift.max(estimate, bitrate), configuration.bitrateRange)
    }
}
