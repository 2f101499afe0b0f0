// The receive-side estimate for publishers that negotiated goog-remb but not transport-cc (e.g.
// aiortc): the SFU is the receiver, so it runs the delay-based estimator itself on the
// publisher's abs-send-time and its own arrival times, measures the incoming bitrate, and says
// what REMB to send. A REMB goes out once a second, and at once when the estimate falls by more
// than 3 % below the last one sent (a publisher must hear about congestion now, not in a second).
//
// It starts at `startBitrate` but never below what already arrives without trouble (before the
// first overuse, the estimate is raised to the incoming bitrate), then ramps like the send side.
// It does not build the REMB packet (the caller knows the SSRCs) nor probe.
//
// abs-send-time is 24-bit 6.18 fixed point seconds and wraps every 64 s; it is unwrapped on
// arrival (house rule 5) against the previous packet, so reordering across the wrap is fine.

public struct RemoteBitrateEstimator: Sendable {
    public struct Configuration: Sendable, Equatable, BitrateBounds {
        public var startBitrate: UInt64 = 300_000
        public var minBitrate: UInt64 = 30_000
        public var maxBitrate: UInt64 = 30_000_000
        /// REMB at least this often while packets arrive.
        public var rembInterval: Duration = .seconds(1)
        /// A drop of more than this fraction below the last REMB sends one at once.
        public var immediateDropRatio = 0.03
        /// The rate controller runs this often (and at once on overuse).
        public var updateInterval: Duration = .milliseconds(100)
        /// The incoming bitrate is measured over this window.
        public var incomingWindow: Duration = .seconds(1)
        /// With no packet for this long, the estimator goes quiet (no deadline, no REMB).
        public var idleTimeout: Duration = .seconds(2)

        public init() {}
    }

    public let configuration: Configuration
    private var delay: DelayBasedEstimator
    private var incoming: ThroughputWindow
    private var sendClock = AbsSendTimeUnwrapper()
    private var firstArrival: Duration?
    private var lastArrival: Duration?
    private var lastUpdate: Duration?
    private var lastREMB: (at: Duration, bitrate: UInt64)?
    /// An overuse began since the last update: update (and maybe send) at once.
    private var urgent = false
    private var wasOverusing = false
    private var everDecreased = false
    /// No packet for `idleTimeout` at the last poll: no deadline until the next packet.
    private var quiet = false
    /// Packets seen.
    public private(set) var packets = 0

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        delay = DelayBasedEstimator(configuration: .init(startBitrate: configuration.startBitrate,
                                                         minBitrate: configuration.minBitrate,
                                                         maxBitrate: configuration.maxBitrate))
        incoming = ThroughputWindow(window: configuration.incomingWindow, bucketLength: .milliseconds(20),
                                    minimumSpan: .milliseconds(500))
    }

    /// The current estimate, bits per second.
    public var estimate: UInt64 { delay.estimate }
    public var usage: BandwidthUsage { delay.usage }
    /// Times the delay history started over (clock jumps, reordering, pauses).
    public var groupingResets: Int { delay.groupingResets }
    /// The last REMB bitrate handed out.
    public var lastSentBitrate: UInt64? { lastREMB?.bitrate }

    /// The incoming bitrate at `now` (nil until half a window of packets was seen).
    public mutating func incomingBitrate(at now: Duration) -> UInt64? {
        incoming.bitrate(at: now)
    }

    /// The round-trip time to the publisher, if known (paces decreases, sizes additive steps).
    public mutating func setRoundTripTime(_ rtt: Duration) {
        guard rtt > .zero, rtt < .seconds(30) else { return }
        delay.roundTripTime = rtt
    }

    /// One RTP packet from the publisher: its raw 24-bit abs-send-time, when it arrived, and its
    /// size (bytes on the wire, or RTP size: the same choice for every packet).
    public mutating func onPacket(absSendTime: UInt32, arrival: Duration, size: Int) {
        packets &+= 1
        quiet = false
        let sendTime = sendClock.unwrap(absSendTime)
        if firstArrival == nil || (lastArrival.map { arrival - $0 > configuration.idleTimeout } ?? false) {
            // First packet, or back from a pause: REMB deadlines count from here.
            firstArrival = arrival
            lastREMB = lastREMB.map { (arrival, $0.bitrate) }
        }
        lastArrival = Swift.max(lastArrival ?? arrival, arrival)
        incoming.add(bytes: size, at: arrival)
        delay.onPacket(PacketTiming(sendTime: sendTime, arrivalTime: arrival, size: size))
        // On the turn to overuse, update (and maybe send) at once; while it lasts, the regular
        // cadence suffices (a further cut waits an RTT anyway).
        let overusing = delay.usage == .overusing
        if overusing, !wasOverusing { urgent = true }
        wasOverusing = overusing
    }

    /// When `poll` should run next; nil when idle (no packet yet, or none for `idleTimeout`).
    public var nextDeadline: Duration? {
        guard !quiet, let first = firstArrival, let last = lastArrival else { return nil }
        if urgent { return last }
        let update = (lastUpdate ?? first) + configuration.updateInterval
        let idleAt = last + configuration.idleTimeout
        guard update <= idleAt else { return nil }
        return update
    }

    /// Runs the estimator up to `now`; returns a bitrate when a REMB should be sent now.
    public mutating func poll(at now: Duration) -> UInt64? {
        guard let first = firstArrival, let last = lastArrival else { return nil }
        guard now - last <= configuration.idleTimeout else {
            quiet = true
            return nil
        }
        let due = (lastUpdate ?? first) + configuration.updateInterval
        if urgent || now >= due {
            urgent = false
            lastUpdate = now
            let rate = incoming.bitrate(at: now)
            if !everDecreased, let rate, rate > delay.estimate, delay.usage != .overusing {
                // What already arrives without overuse is a floor for the first estimate.
                delay.setEstimate(rate, at: now)
            }
            let before = delay.decreases
            delay.update(ackedBitrate: rate, at: now)
            if delay.decreases != before { everDecreased = true }
        }
        let estimate = delay.estimate
        let send: Bool
        if let previous = lastREMB {
            send = now - previous.at >= configuration.rembInterval
                || Double(estimate) < (1 - configuration.immediateDropRatio) * Double(previous.bitrate)
        } else {
            // The first REMB waits for a full window of incoming bitrate to start from.
            send = now - first >= configuration.incomingWindow
        }
        guard send else { return nil }
        lastREMB = (now, estimate)
        return estimate
    }
}

/// Extends the 24-bit abs-send-time to a continuous send clock: each value is placed nearest
/// to the previous one, so the 64 s wrap moves forward and reordering moves back a little.
struct AbsSendTimeUnwrapper: Sendable {
    static let wrap: Int64 = 1 << 24
    /// 10^18 attoseconds / 2^18 ticks per second = 5^18 attoseconds per tick, exactly.
    static let attosecondsPerTick: Int64 = 3_814_697_265_625
    private var last: Int64?

    mutating func unwrap(_ raw: UInt32) -> Duration {
        let value = Int64(raw & 0xFF_FFFF)
        let extended: Int64
        if let last {
            var step = value - (last & (Self.wrap - 1))
            if step >= Self.wrap / 2 { step -= Self.wrap }
            if step < -Self.wrap / 2 { step += Self.wrap }
            extended = last &+ step
        } else {
            extended = value
        }
        last = extended
        // Whole seconds by an arithmetic shift (floors negatives), the fraction stays positive.
        return Duration(secondsComponent: extended >> 18,
                        attosecondsComponent: (extended & 0x3FFFF) * Self.attosecondsPerTick)
    }
}
