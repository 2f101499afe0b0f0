// Plans probe clusters: short bursts above the current estimate whose arrival rate (measured by
// `ProbeBitrateEstimator`) lets the estimate jump instead of creeping up at 8 %/s. When it probes:
// - at start, at 3× and 6× the start bitrate;
// - while a probe's result comes back at ≥ 70 % of what was probed, again at 2× the result
//   (exponential search, up to the cap, until the estimate covers what the application wants);
// - when the application would use more than the estimate (`setWantedBitrate`), at 2× the
//   estimate, at most once every 5 s and not within 5 s of a large drop (a path that just lost
//   capacity should settle before being pushed again).
// Every probe is capped by the maximum bitrate and by twice what the application wants: a probe
// returns a little under its rate, so one capped at the wish itself leaves the estimate just short
// of it, and the application waits on the estimator's slow climb for the last few percent.
//
// It does not send anything: the caller polls a `ProbeCluster` when `nextDeadline` passes and
// sends padding (or RTX) at its bitrate, tagging each packet with the cluster id.

/// One probe to send: `bitrate` for at least `minPackets` packets and `minDuration`.
public struct ProbeCluster: Sendable, Equatable {
    public var id: Int
    public var bitrate: UInt64
    public var minPackets: Int
    public var minDuration: Duration

    public init(id: Int, bitrate: UInt64, minPackets: Int, minDuration: Duration) {
        self.id = id
        self.bitrate = bitrate
        self.minPackets = minPackets
        self.minDuration = minDuration
    }

    /// Bytes the cluster needs at least: its bitrate over its minimum duration.
    public var minBytes: Int {
        let bits = Double(bitrate) * BitrateArithmetic.seconds(minDuration)
        return Int(Swift.min(BitrateArithmetic.bitrate(bits / 8), UInt64(Int32.max)))
    }
}

public struct ProbeController: Sendable {
    public struct Configuration: Sendable, Equatable {
        public var startBitrate: UInt64 = 300_000
        public var maxBitrate: UInt64 = 30_000_000
        /// Probes at start, as multiples of the start bitrate.
        public var initialMultipliers: [Double] = [3, 6]
        public var minPackets = 5
        public var minDuration: Duration = .milliseconds(15)
        /// Consecutive clusters are this far apart, so the sender finishes one before the next.
        public var clusterSpacing: Duration = .milliseconds(25)
        /// A result at least this fraction of the probed bitrate probes further.
        public var furtherProbeThreshold = 0.7
        /// Further and allocation probes go to this multiple of the estimate.
        public var probeMultiplier = 2.0
        /// Wait this long for a probe's result before giving up on probing further.
        public var resultTimeout: Duration = .seconds(1)
        /// Allocation probes at most this often, and not sooner than this after a large drop.
        public var allocationProbeInterval: Duration = .seconds(5)
        /// An estimate below this fraction of the previous one is a large drop.
        public var dropRatio = 0.66
        /// A probe must be at least this multiple of the estimate to be worth sending.
        public var minProbeGain = 1.1
        /// Probes go at most this multiple of what the application wants.
        public var wantedHeadroom = 2.0

        public init() {}

        public init(startBitrate: UInt64, maxBitrate: UInt64) {
            self.startBitrate = startBitrate
            self.maxBitrate = maxBitrate
        }
    }

    public let configuration: Configuration
    /// Latest estimate reported by the caller.
    public private(set) var estimate: UInt64
    /// What the application would send if it could (nil: no wish beyond the estimate).
    public private(set) var wantedBitrate: UInt64?
    /// Clusters planned so far.
    public private(set) var clustersPlanned = 0

    private var started = false
    /// Clusters waiting to be polled, earliest first (fixed slots: at most a few pending).
    private var pending: [ProbeCluster?]
    private var pendingDue: [Duration]
    /// Waiting for a result of probes up to this bitrate, until `waitingUntil`.
    private var waitingFor: UInt64?
    private var waitingUntil: Duration = .zero
    private var lastProbe: Duration?
    private var lastDrop: Duration?
    private var nextID = 1

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        estimate = configuration.startBitrate
        pending = [ProbeCluster?](repeating: nil, count: 4)
        pendingDue = [Duration](repeating: .zero, count: 4)
    }

    /// The cap every probe respects: the maximum, and headroom over what the application wants (if it said).
    private var cap: UInt64 {
        guard let wantedBitrate else { return configuration.maxBitrate }
        return Swift.min(configuration.maxBitrate,
                         BitrateArithmetic.bitrate(configuration.wantedHeadroom * Double(wantedBitrate)))
    }

    /// Tells the controller what the application would use if it could have it.
    public mutating func setWantedBitrate(_ bitrate: UInt64?, at now: Duration) {
        wantedBitrate = bitrate
    }

    /// Tells the controller the current estimate (call after each estimator update).
    public mutating func onEstimate(_ bitrate: UInt64, at now: Duration) {
        let previous = estimate
        estimate = bitrate
        if Double(bitrate) < configuration.dropRatio * Double(previous) {
            lastDrop = now
        }
        guard let probed = waitingFor else { return }
        if now > waitingUntil {
            waitingFor = nil
            return
        }
        if Double(bitrate) >= configuration.furtherProbeThreshold * Double(probed) {
            // The probe got (most of) the way: there may be more above it, and the application
            // would use it unless the estimate already covers what it wants.
            waitingFor = nil
            if let wantedBitrate, bitrate >= wantedBitrate { return }
            plan(BitrateArithmetic.bitrate(configuration.probeMultiplier * Double(bitrate)), at: now)
        }
    }

    /// When `poll` should next be called; nil when nothing is planned.
    public var nextDeadline: Duration? {
        if !started { return .zero }
        var earliest: Duration?
        for index in pending.indices where pending[index] != nil {
            earliest = Swift.min(earliest ?? pendingDue[index], pendingDue[index])
        }
        if let earliest { return earliest }
        return allocationProbeTime
    }

    /// When an allocation probe becomes allowed, if the application wants more than we have.
    private var allocationProbeTime: Duration? {
        guard let wanted = wantedBitrate, Swift.min(wanted, configuration.maxBitrate) > estimate else { return nil }
        var time = lastProbe.map { $0 + configuration.allocationProbeInterval } ?? .zero
        if let lastDrop { time = Swift.max(time, lastDrop + configuration.allocationProbeInterval) }
        // Not while a probe's result may still come back (it may start a search of its own).
        if waitingFor != nil { time = Swift.max(time, waitingUntil) }
        return time
    }

    /// The next cluster due at `now`, if any. Call until it returns nil.
    public mutating func poll(at now: Duration) -> ProbeCluster? {
        if !started {
            started = true
            let base = Double(estimate)
            for multiplier in configuration.initialMultipliers {
                plan(BitrateArithmetic.bitrate(base * multiplier), at: now)
            }
        } else if waitingFor != nil, now > waitingUntil {
            waitingFor = nil
        }
        if waitingFor == nil, let allowed = allocationProbeTime, now >= allowed, !hasPending {
            plan(BitrateArithmetic.bitrate(configuration.probeMultiplier * Double(estimate)), at: now)
        }
        var due: Int?
        for index in pending.indices where pending[index] != nil && pendingDue[index] <= now {
            if due.map({ pendingDue[index] < pendingDue[$0] }) ?? true { due = index }
        }
        guard let index = due, let cluster = pending[index] else { return nil }
        pending[index] = nil
        lastProbe = now
        return cluster
    }

    private var hasPending: Bool { pending.contains { $0 != nil } }

    /// Queues a cluster at `requested` (capped) if it is worth it (above the estimate, a free
    /// slot). A capped probe ends the exponential search: probing the cap again would only repeat it.
    private mutating func plan(_ requested: UInt64, at now: Duration) {
        let bitrate = Swift.min(requested, cap)
        guard Double(bitrate) >= configuration.minProbeGain * Double(estimate) else { return }
        guard let slot = pending.firstIndex(where: { $0 == nil }) else { return }
        var due = now
        for index in pending.indices where pending[index] != nil {
            due = Swift.max(due, pendingDue[index] + configuration.clusterSpacing)
        }
        pending[slot] = ProbeCluster(id: nextID, bitrate: bitrate, minPackets: configuration.minPackets,
                                     minDuration: configuration.minDuration)
        pendingDue[slot] = due
        nextID += 1
        clustersPlanned += 1
        lastProbe = now
        guard bitrate == requested else {
            waitingFor = nil
            return
        }
        waitingFor = Swift.max(waitingFor ?? 0, bitrate)
        waitingUntil = due + configuration.resultTimeout
    }
}
