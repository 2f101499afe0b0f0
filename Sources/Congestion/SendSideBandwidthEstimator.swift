import RTP

// The SFU's estimate of how fast it may send to one viewer (GoogCC's send side). Three bounds,
// the target is their minimum:
// - delay-based, from transport-wide feedback: each acknowledged packet's send time (remembered
//   in `SentPacketHistory`) and arrival time (from the feedback) go to `DelayBasedEstimator`,
//   with the acknowledged bitrate (bytes over arrival time) and probe results;
// - loss-based (`LossBasedEstimator`), from the feedback's losses, or from receiver reports'
//   fraction lost when the viewer sends no transport-wide feedback;
// - REMB, for viewers that send their own estimate instead (e.g. aiortc).
// It does not send, pace or plan probes (`PacingBudget`, `ProbeController`), nor choose layers.
//
// Feedback is hostile input: entries for sequence numbers never sent, too old, or already
// acknowledged are counted and skipped; arrival clocks that jump or go backwards only reset the
// delay history; every bound stays within [minBitrate, maxBitrate]. `onPacketSent` writes one
// slot of a ring sized at init; nothing per packet allocates.

public struct SendSideBandwidthEstimator: Sendable {
    public struct Configuration: Sendable, Equatable, BitrateBounds {
        public var startBitrate: UInt64 = 300_000
        public var minBitrate: UInt64 = 30_000
        public var maxBitrate: UInt64 = 30_000_000
        /// Sent packets remembered for matching feedback (rounded up to a power of two).
        public var historyCapacity = 4096
        /// Feedback for a packet sent longer ago than this is ignored.
        public var maxFeedbackAge: Duration = .seconds(10)
        /// The acknowledged bitrate is averaged over this much arrival time.
        public var acknowledgedWindow: Duration = .milliseconds(500)
        /// Losses are judged over at least this many reported packets.
        public var lossWindowPackets = 20
        /// Receiver reports' losses are ignored while transport-wide feedback came this recently
        /// (feedback counts every packet; a report's fraction is coarse and late).
        public var feedbackPreferredFor: Duration = .seconds(5)

        public init() {}

        /// `BitrateBounds`' init, with the start clamped into the range: this start is what the
        /// SFU allocates from before any feedback, so it must already be a rate it may send.
        public init(startBitrate: UInt64, minBitrate: UInt64, maxBitrate: UInt64) {
            self.minBitrate = minBitrate
            self.maxBitrate = Swift.max(maxBitrate, minBitrate)
            self.startBitrate = BitrateArithmetic.clamp(startBitrate, minBitrate...self.maxBitrate)
        }
    }

    /// What happened to feedback entries: the counters a peer's misbehaviour shows in.
    public struct Counters: Sendable, Equatable {
        public var feedbackPackets = 0
        public var acknowledged = 0
        public var reportedLost = 0
        /// Entries for sequence numbers not (or no longer) in the history, or too old.
        public var unknown = 0
        /// Entries for packets already acknowledged.
        public var duplicates = 0
        public var probeResults = 0
    }

    public let configuration: Configuration
    private var history: SentPacketHistory
    private var delay: DelayBasedEstimator
    private var loss: LossBasedEstimator
    private var probes = ProbeBitrateEstimator()
    private var acknowledged: ThroughputWindow
    private var remb: UInt64?
    private var lastFeedback: Duration?
    private var extendedReference: Int64?
    private var lastReference: UInt32 = 0
    private var lossExpected = 0
    private var lossLost = 0
    public private(set) var counters = Counters()
    /// The latest acknowledged (received) bitrate, from transport-wide feedback.
    public private(set) var ackedBitrate: UInt64?
    /// Smoothed round-trip time: from feedback (now − send time of the newest packet it
    /// acknowledges, so it includes the receiver's feedback interval) or `setRoundTripTime`.
    public private(set) var roundTripTime: Duration?
    /// The latest probe measurement that was applied.
    public private(set) var lastProbeResult: UInt64?

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        history = SentPacketHistory(capacity: configuration.historyCapacity)
        delay = DelayBasedEstimator(configuration: .init(startBitrate: configuration.startBitrate,
                                                         minBitrate: configuration.minBitrate,
                                                         maxBitrate: configuration.maxBitrate))
        loss = LossBasedEstimator(configuration: .init(startBitrate: configuration.startBitrate,
                                                       minBitrate: configuration.minBitrate,
                                                       maxBitrate: configuration.maxBitrate))
        acknowledged = ThroughputWindow(window: configuration.acknowledgedWindow, bucketLength: .milliseconds(10),
                                        minimumSpan: .milliseconds(100))
    }

    // MARK: the estimate

    /// What to send at most: the minimum of the delay-based (once feedback came), loss-based and
    /// REMB (once one came) bounds, within [minBitrate, maxBitrate].
    public var targetBitrate: UInt64 {
        BitrateArithmetic.clamp(Swift.min(loss.estimate, otherBounds ?? .max), configuration.bitrateRange)
    }

    /// The minimum of the bounds other than the loss-based one; nil when there are none.
    private var otherBounds: UInt64? {
        var bound: UInt64?
        if lastFeedback != nil { bound = delay.estimate }
        if let remb { bound = Swift.min(bound ?? .max, remb) }
        return bound
    }

    /// The delay-based bound (the start bitrate until feedback arrives).
    public var delayBasedEstimate: UInt64 { delay.estimate }
    public var lossBasedEstimate: UInt64 { loss.estimate }
    /// The latest REMB, clamped to the configured range.
    public var rembBitrate: UInt64? { remb }
    /// Fraction of packets lost in the latest loss window (feedback or receiver report).
    public var lossRatio: Double { loss.lossRatio }
    public var usage: BandwidthUsage { delay.usage }
    public var rateControlState: AIMDRateControl.State { delay.rateControlState }
    public var hasTransportFeedback: Bool { lastFeedback != nil }

    // MARK: inputs

    /// Records a packet sent with transport-wide sequence number `transportSequenceNumber`;
    /// `probeCluster` tags packets sent for a `ProbeCluster`.
    public mutating func onPacketSent(transportSequenceNumber: UInt16, size: Int, at now: Duration,
                                      probeCluster: Int? = nil) {
        history.record(sequenceNumber: transportSequenceNumber, size: size, at: now, probeCluster: probeCluster)
        if let probeCluster { probes.onPacketSent(cluster: probeCluster, size: size, at: now) }
    }

    /// Reads one transport-wide feedback packet from the viewer.
    public mutating func onTransportFeedback(_ feedback: TransportWideFeedback, at now: Duration) {
        counters.feedbackPackets += 1
        var ticks = unwrapReference(feedback.referenceTime) &* 256
        var matched = 0
        var lost = 0
        var newestSend: Duration?
        var probeResult: UInt64?
        for result in feedback.packets {
            // Deltas chain through every received entry, known or not.
            var arrival: Duration?
            if let delta = result.receiveDelta {
                ticks = Swift.min(Swift.max(ticks &+ Int64(delta), -(1 << 50)), 1 << 50)
                arrival = BitrateArithmetic.duration(microseconds: ticks &* 250)
            }
            guard let slot = history.find(result.sequenceNumber) else {
                counters.unknown += 1
                continue
            }
            var entry = history[slot]
            guard now - entry.sendTime <= configuration.maxFeedbackAge else {
                counters.unknown += 1
                continue
            }
            guard let arrival else {
                if entry.fate == .unreported {
                    entry.fate = .lost
                    history[slot] = entry
                    matched += 1
                    lost += 1
                    counters.reportedLost += 1
                }
                continue
            }
            if entry.fate == .received {
                counters.duplicates += 1
                continue
            }
            if entry.fate == .lost {
                // Reported lost before, arrived after all: it no longer counts as lost.
                if lossLost > 0 { lossLost -= 1 }
            } else {
                matched += 1
            }
            entry.fate = .received
            history[slot] = entry
            counters.acknowledged += 1
            let size = Int(entry.size)
            acknowledged.add(bytes: size, at: arrival)
            delay.onPacket(PacketTiming(sendTime: entry.sendTime, arrivalTime: arrival, size: size))
            if entry.probeCluster >= 0,
               let measured = probes.onPacketAcknowledged(cluster: Int(entry.probeCluster), sendTime: entry.sendTime,
                                                          arrival: arrival, size: size, at: now) {
                probeResult = Swift.max(probeResult ?? 0, measured)
            }
            newestSend = Swift.max(newestSend ?? entry.sendTime, entry.sendTime)
        }
        // Feedback that matched nothing we sent changes nothing.
        guard matched > 0 || newestSend != nil else { return }
        lastFeedback = now
        if let newestSend { updateRoundTripTime(sample: now - newestSend) }
        if let newest = acknowledged.newest, let rate = acknowledged.bitrate(at: newest) {
            ackedBitrate = rate
        }
        countLosses(expected: matched, lost: lost, at: now)
        if let probeResult {
            counters.probeResults += 1
            let bounded = BitrateArithmetic.clamp(probeResult, configuration.bitrateRange)
            if delay.applyProbeResult(bounded, at: now) {
                lastProbeResult = bounded
                loss.raise(to: bounded)
            }
        }
        delay.update(ackedBitrate: ackedBitrate, at: now)
        loss.follow(Swift.min(delay.estimate, remb ?? .max))
    }

    /// Reads a REMB from the viewer: its own estimate bounds ours.
    public mutating func onREMB(bitrate: UInt64, at now: Duration) {
        let bounded = BitrateArithmetic.clamp(bitrate, configuration.bitrateRange)
        remb = bounded
        if let others = otherBounds { loss.follow(others) }
    }

    /// Reads the fraction lost (RFC 3550, /256) of a receiver report's block about our stream.
    public mutating func onReceiverReport(fractionLost: UInt8, at now: Duration) {
        if let lastFeedback, now - lastFeedback < configuration.feedbackPreferredFor, now >= lastFeedback { return }
        loss.onLossReport(ratio: Double(fractionLost) / 256, target: targetBitrate, otherEstimates: otherBounds,
                          roundTripTime: roundTripTime ?? .milliseconds(100), at: now)
    }

    /// A round-trip time measured elsewhere (e.g. from a receiver report's LSR/DLSR).
    public mutating func setRoundTripTime(_ rtt: Duration) {
        updateRoundTripTime(sample: rtt)
    }

    // MARK: helpers

    private mutating func updateRoundTripTime(sample: Duration) {
        guard sample > .zero, sample < .seconds(30) else { return }
        // 1/8 weight like TCP's SRTT: one late feedback must not swing the decrease pacing.
        let smoothed = roundTripTime.map { ($0 * 7 + sample) / 8 } ?? sample
        roundTripTime = smoothed
        delay.roundTripTime = smoothed
    }

    private mutating func countLosses(expected: Int, lost: Int, at now: Duration) {
        lossExpected += expected
        lossLost += lost
        guard lossExpected >= configuration.lossWindowPackets else { return }
        let ratio = Double(Swift.min(lossLost, lossExpected)) / Double(lossExpected)
        lossExpected = 0
        lossLost = 0
        loss.onLossReport(ratio: ratio, target: targetBitrate, otherEstimates: otherBounds,
                          roundTripTime: roundTripTime ?? .milliseconds(100), at: now)
    }

    /// The feedback's 24-bit reference time (64 ms units) extended to 64 bits across its wrap.
    private mutating func unwrapReference(_ reference: UInt32) -> Int64 {
        let reference = reference & 0xFF_FFFF
        defer { lastReference = reference }
        guard let extended = extendedReference else {
            extendedReference = Int64(reference)
            return Int64(reference)
        }
        var step = Int64(reference) - Int64(lastReference)
        if step >= 1 << 23 { step -= 1 << 24 }
        if step < -(1 << 23) { step += 1 << 24 }
        let next = Swift.min(Swift.max(extended &+ step, -(1 << 40)), 1 << 40)
        extendedReference = next
        return next
    }
}
