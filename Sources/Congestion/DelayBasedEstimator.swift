// GoogCC's delay-based bandwidth estimate: packets (send time, arrival time, size) go through
// `InterArrivalGrouping` → `TrendlineEstimator` → `OveruseDetector`, and each `update` hands the
// detector's verdict and the acknowledged bitrate to `AIMDRateControl`. Used by both sides: the
// send side feeds it transport-wide feedback, the receive side abs-send-time. It does not count
// bytes, losses or probes itself; callers bring the acknowledged bitrate and probe results.
//
// `onPacket` runs per packet and allocates nothing: the trendline window is sized at init.

/// One packet as the delay estimator sees it. The two clocks may have any offset between them.
public struct PacketTiming: Sendable, Equatable {
    public var sendTime: Duration
    public var arrivalTime: Duration
    public var size: Int

    public init(sendTime: Duration, arrivalTime: Duration, size: Int) {
        self.sendTime = sendTime
        self.arrivalTime = arrivalTime
        self.size = size
    }
}

public struct DelayBasedEstimator: Sendable {
    public struct Configuration: Sendable, Equatable {
        public var rateControl = AIMDRateControl.Configuration()
        public var grouping = InterArrivalGrouping.Configuration()
        public var trendline = TrendlineEstimator.Configuration()
        public var detector = OveruseDetector.Configuration()
        /// No packet for this long (arrival time) and the delay history starts over: what the
        /// queue did before a pause says nothing about it after.
        public var streamTimeout: Duration = .seconds(2)

        public init() {}

        public init(startBitrate: UInt64, minBitrate: UInt64, maxBitrate: UInt64) {
            rateControl = AIMDRateControl.Configuration(startBitrate: startBitrate, minBitrate: minBitrate,
                                                        maxBitrate: maxBitrate)
        }
    }

    public let configuration: Configuration
    private var grouping: InterArrivalGrouping
    private var trendline: TrendlineEstimator
    private var detector: OveruseDetector
    private var rateControl: AIMDRateControl
    private var lastArrival: Duration?
    /// An overuse seen since the last `update`, even if a later group already looked normal:
    /// a short overuse inside one feedback batch must still cut the rate.
    private var overuseSinceUpdate = false

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        grouping = InterArrivalGrouping(configuration: configuration.grouping)
        trendline = TrendlineEstimator(configuration: configuration.trendline)
        detector = OveruseDetector(configuration: configuration.detector)
        rateControl = AIMDRateControl(configuration: configuration.rateControl)
    }

    /// The current estimate, bits per second.
    public var estimate: UInt64 { rateControl.estimate }
    /// The detector's latest verdict.
    public var usage: BandwidthUsage { detector.usage }
    /// The rate controller's state.
    public var rateControlState: AIMDRateControl.State { rateControl.state }
    /// The capacity seen at recent overuses, if believed.
    public var linkCapacityEstimate: UInt64? { rateControl.linkCapacityEstimate }
    /// The last trendline slope.
    public var trend: Double { trendline.trend }
    /// The detector's current threshold (ms).
    public var threshold: Double { detector.threshold }
    /// Times the grouping started over (clock jumps, reordering, pauses).
    public var groupingResets: Int { grouping.resets }
    /// How many times an overuse cut the rate.
    public var decreases: Int { rateControl.decreases }

    public var roundTripTime: Duration {
        get { rateControl.roundTripTime }
        set { rateControl.roundTripTime = newValue }
    }

    /// Adds one received packet (in the order the feedback lists them).
    public mutating func onPacket(_ packet: PacketTiming) {
        if let last = lastArrival {
            let gap = packet.arrivalTime - last
            if gap > configuration.streamTimeout || gap < .zero - configuration.streamTimeout {
                grouping.reset()
                trendline.reset()
            }
        }
        lastArrival = packet.arrivalTime
        guard let delta = grouping.onPacket(sendTime: packet.sendTime, arrival: packet.arrivalTime,
                                            size: packet.size) else { return }
        let sample = trendline.update(arrivalDelta: delta.arrivalDelta, sendDelta: delta.sendDelta,
                                      arrival: delta.arrival)
        if detector.detect(sample, sendDelta: delta.sendDelta, at: delta.arrival) == .overusing {
            overuseSinceUpdate = true
        }
    }

    /// Runs the rate controller on what the packets since the last update showed, with the
    /// bitrate the receiver acknowledged; returns the new estimate.
    @discardableResult
    public mutating func update(ackedBitrate: UInt64?, at now: Duration) -> UInt64 {
        let verdict: BandwidthUsage = overuseSinceUpdate ? .overusing : detector.usage
        overuseSinceUpdate = false
        return rateControl.update(usage: verdict, acknowledged: ackedBitrate, at: now)
    }

    /// A probe measured `bitrate` through the path: the estimate jumps up to it (never down:
    /// lowering is the detector's job, and a probe that lost to cross traffic says little).
    /// Returns whether it was applied.
    @discardableResult
    public mutating func applyProbeResult(_ bitrate: UInt64, at now: Duration) -> Bool {
        // An overuse seen with the probe's burst wins: jumping up into a growing queue is wrong.
        guard !overuseSinceUpdate, detector.usage != .overusing else { return false }
        rateControl.probeSucceeded(bitrate, at: now)
        return true
    }

    /// Sets the estimate outright (within the configured bounds).
    public mutating func setEstimate(_ bitrate: UInt64, at now: Duration) {
        rateControl.setEstimate(bitrate, at: now)
    }
}
