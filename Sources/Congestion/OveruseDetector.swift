// The adaptive-threshold detector of GoogCC (draft-ietf-rmcat-gcc §5.4): compares the trendline's
// modified trend with a threshold that follows it slowly, and says whether the path's queue is
// growing (overusing), draining (underusing) or steady. It does not estimate the trend or any
// bitrate: `TrendlineEstimator` gives the trend, `AIMDRateControl` acts on the verdict.

/// What the delay signal says about the bottleneck queue.
public enum BandwidthUsage: Sendable, Equatable {
    /// The queue is steady: no sign of congestion.
    case normal
    /// The queue is draining: we send less than the path carries.
    case underusing
    /// The queue is growing: we send more than the path carries.
    case overusing
}

public struct OveruseDetector: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// How fast the threshold rises towards a larger |trend| (per ms). Slow, so a sustained
        /// increase in delay is still detected and not absorbed by the threshold.
        public var kUp = 0.0087
        /// How fast the threshold falls towards a smaller |trend| (per ms).
        public var kDown = 0.039
        /// Threshold before any adaptation (ms).
        public var initialThreshold = 12.5
        public var thresholdRange: ClosedRange<Double> = 6...600
        /// Overuse must be seen this long (summed send deltas) …
        public var overuseTime: Duration = .milliseconds(10)
        /// … and in at least this many samples in a row before it is signalled.
        public var overuseSamples = 2
        /// A trend further than this beyond the threshold does not adapt it: a sudden capacity
        /// drop should be acted on, not learned as the new normal (ms).
        public var maxAdaptOffset = 15.0
        /// The threshold adapts over at most this much time per sample (a long gap between
        /// samples must not swing it in one step).
        public var maxAdaptInterval: Duration = .milliseconds(100)

        public init() {}
    }

    public let configuration: Configuration
    public private(set) var usage: BandwidthUsage = .normal
    /// The current threshold on the modified trend (ms).
    public private(set) var threshold: Double
    /// Milliseconds of send time spent above the threshold in the current run; nil outside a run.
    private var overuseMilliseconds: Double?
    private var overuseCount = 0
    private var previousTrend = 0.0
    private var lastThresholdUpdate: Duration?

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        threshold = configuration.initialThreshold
    }

    /// Judges one trendline sample; `sendDelta` is the send-time span the sample covers.
    @discardableResult
    public mutating func detect(_ sample: TrendlineEstimator.Sample, sendDelta: Duration,
                                at now: Duration) -> BandwidthUsage {
        // Two deltas are the least that says anything; before that the path is presumed fine.
        guard sample.deltaCount >= 2 else {
            usage = .normal
            return usage
        }
        let modified = sample.modifiedTrend
        guard modified.isFinite, sample.trend.isFinite else { return usage }
        if modified > threshold {
            let sendMilliseconds = Swift.max(0, BitrateArithmetic.milliseconds(sendDelta))
            // A new run counts half the last interval: the queue likely began growing mid-way.
            overuseMilliseconds = overuseMilliseconds.map { $0 + sendMilliseconds } ?? sendMilliseconds / 2
            overuseCount += 1
            let longEnough = (overuseMilliseconds ?? 0) > BitrateArithmetic.milliseconds(configuration.overuseTime)
            // Only a trend that is still rising confirms overuse; a falling one means the last
            // decrease is already taking effect.
            if longEnough, overuseCount >= configuration.overuseSamples, sample.trend >= previousTrend {
                overuseMilliseconds = 0
                overuseCount = 0
                usage = .overusing
            }
        } else if modified < -threshold {
            overuseMilliseconds = nil
            overuseCount = 0
            usage = .underusing
        } else {
            overuseMilliseconds = nil
            overuseCount = 0
            usage = .normal
        }
        previousTrend = sample.trend
        adaptThreshold(modified, at: now)
        return usage
    }

    /// Moves the threshold towards |modified trend|: up slowly, down faster, clamped.
    private mutating func adaptThreshold(_ modified: Double, at now: Duration) {
        let last = lastThresholdUpdate ?? now
        lastThresholdUpdate = now
        let magnitude = abs(modified)
        guard magnitude <= threshold + configuration.maxAdaptOffset else { return }
        let gain = magnitude < threshold ? configuration.kDown : configuration.kUp
        let elapsed = Swift.min(Swift.max(now - last, .zero), configuration.maxAdaptInterval)
        threshold += gain * (magnitude - threshold) * BitrateArithmetic.milliseconds(elapsed)
        threshold = Swift.min(Swift.max(threshold, configuration.thresholdRange.lowerBound),
                              configuration.thresholdRange.upperBound)
    }

    /// Forgets any run in progress and the threshold's history (after the path changed).
    public mutating func reset() {
        usage = .normal
        threshold = configuration.initialThreshold
        overuseMilliseconds = nil
        overuseCount = 0
        previousTrend = 0
        lastThresholdUpdate = nil
    }
}
