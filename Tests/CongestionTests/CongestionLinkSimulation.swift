// A simulated path for the estimator suites: a FIFO bottleneck of some capacity with a
// drop-tail queue and a propagation delay (arrival = max(send, last departure) + size / C +
// propagation), a receiver that reports arrivals as transport-wide feedback every 50 ms on its
// own clock, and senders that always send at what the estimator allows. Virtual time only: 20 s
// of a 3 Mbps path runs in well under a second.

import Congestion
import RTP
import TestSupport

/// The bottleneck: one queue served at `capacity` bits per second.
struct BottleneckLink {
    var capacity: UInt64
    var propagation: Duration
    /// A packet that would wait longer than this in the queue is dropped (drop-tail).
    var maxQueueDelay: Duration
    private(set) var lastDeparture: Duration = .zero
    private(set) var dropped = 0
    private(set) var delivered = 0

    init(capacity: UInt64, propagation: Duration = .milliseconds(25), maxQueueDelay: Duration = .milliseconds(300)) {
        self.capacity = capacity
        self.propagation = propagation
        self.maxQueueDelay = maxQueueDelay
    }

    /// When a packet sent at `time` reaches the receiver; nil when the queue drops it.
    mutating func transmit(size: Int, at time: Duration) -> Duration? {
        let start = max(time, lastDeparture)
        guard start - time <= maxQueueDelay else {
            dropped += 1
            return nil
        }
        let service = Duration.nanoseconds(Int64(size) * 8_000_000_000 / Int64(max(capacity, 1)))
        lastDeparture = start + service
        delivered += 1
        return lastDeparture + propagation
    }
}

/// The viewer's side of transport-wide congestion control, reduced to what the estimator reads:
/// every `interval`, one feedback for the packets that arrived since the last one, with the ones
/// the link dropped in between reported lost. Arrival times are on the receiver's clock, offset
/// from the sender's by `clockOffset`.
struct FeedbackReceiverModel {
    var clockOffset: Duration = .seconds(777)
    private var sent: [(sequenceNumber: UInt16, arrival: Duration?)] = []
    private var head = 0
    private var count: UInt8 = 0

    mutating func record(sequenceNumber: UInt16, arrival: Duration?) {
        sent.append((sequenceNumber, arrival))
    }

    /// Feedback for what arrived by `now`; nil when nothing did.
    mutating func feedback(at now: Duration) -> TransportWideFeedback? {
        var last: Int?
        var index = head
        // FIFO link: arrivals come in send order, dropped packets are simply never there.
        while index < sent.count {
            if let arrival = sent[index].arrival {
                guard arrival <= now else { break }
                last = index
            }
            index += 1
        }
        guard let last else { return nil }
        let arrivals = sent[head...last].map { entry in entry.arrival.map { $0 + clockOffset } }
        let base = sent[head].sequenceNumber
        head = last + 1
        if head > 8192 {
            sent.removeFirst(head)
            head = 0
        }
        count &+= 1
        return try? TransportWideFeedback(senderSSRC: 0xFEED, mediaSSRC: 0x5E7D, baseSequenceNumber: base,
                                          feedbackPacketCount: count, arrivalTimes: arrivals)
    }
}

/// The SFU sending to one viewer through a bottleneck: media at the estimator's target, probe
/// clusters when the controller plans them (all packets of a cluster tagged, at its bitrate),
/// feedback back after the propagation delay.
struct SendSideSimulation {
    static let packetSize = 1200
    static let step: Duration = .milliseconds(1)

    var estimator: SendSideBandwidthEstimator
    var prober: ProbeController
    var link: BottleneckLink
    var receiver = FeedbackReceiverModel()
    var feedbackInterval: Duration = .milliseconds(50)
    private(set) var now: Duration
    let start: Duration
    private var nextSequence: UInt16 = 65_000
    private var nextMediaSend: Duration
    private var nextFeedback: Duration
    private var pendingFeedback: [(at: Duration, feedback: TransportWideFeedback)] = []
    private var activeProbe: (id: Int, remaining: Int, next: Duration, interval: Duration)?
    private var queuedClusters: [ProbeCluster] = []
    /// The target every 10 ms: (time since start, target).
    private(set) var trace: [(time: Duration, target: UInt64)] = []
    private(set) var clusters: [ProbeCluster] = []
    private(set) var sentBytes = 0
    private var steps = 0

    init(capacity: UInt64, startBitrate: UInt64 = 300_000, maxBitrate: UInt64 = 5_000_000,
         wanted: UInt64? = 5_000_000, probing: Bool = true, start: Duration = .seconds(1000)) {
        estimator = SendSideBandwidthEstimator(configuration: .init(startBitrate: startBitrate, minBitrate: 50_000,
                                                                    maxBitrate: maxBitrate))
        var probeConfiguration = ProbeController.Configuration(startBitrate: startBitrate, maxBitrate: maxBitrate)
        if !probing { probeConfiguration.initialMultipliers = [] }
        prober = ProbeController(configuration: probeConfiguration)
        if probing { prober.setWantedBitrate(wanted, at: start) }
        link = BottleneckLink(capacity: capacity)
        now = start
        self.start = start
        nextMediaSend = start
        nextFeedback = start + feedbackInterval
    }

    /// Runs for `duration` at the link's current capacity.
    mutating func run(for duration: Duration) {
        let end = now + duration
        while now < end { step() }
    }

    /// The latest target.
    var target: UInt64 { estimator.targetBitrate }

    private mutating func step() {
        now += Self.step
        while let first = pendingFeedback.first, first.at <= now {
            pendingFeedback.removeFirst()
            estimator.onTransportFeedback(first.feedback, at: first.at)
            prober.onEstimate(estimator.targetBitrate, at: first.at)
        }
        if let deadline = prober.nextDeadline, deadline <= now {
            while let cluster = prober.poll(at: now) {
                queuedClusters.append(cluster)
                clusters.append(cluster)
            }
        }
        if activeProbe == nil, !queuedClusters.isEmpty {
            let cluster = queuedClusters.removeFirst()
            let bytes = max(cluster.minBytes, cluster.minPackets * Self.packetSize)
            let packets = (bytes + Self.packetSize - 1) / Self.packetSize
            let interval = Duration.nanoseconds(Int64(Self.packetSize) * 8_000_000_000 / Int64(max(cluster.bitrate, 1)))
            activeProbe = (cluster.id, packets, now, interval)
        }
        if var probe = activeProbe {
            // A probe replaces media while it lasts: its packets are the media and padding sent
            // at the probe's rate, as a pacer would send them.
            while probe.remaining > 0, probe.next <= now {
                send(at: probe.next, size: Self.packetSize, cluster: probe.id)
                probe.next += probe.interval
                probe.remaining -= 1
            }
            activeProbe = probe.remaining > 0 ? probe : nil
            nextMediaSend = max(nextMediaSend, now)
        } else {
            while nextMediaSend <= now {
                // Low rates send smaller packets (at least 50 a second), as real media does.
                let rate = max(estimator.targetBitrate, 1)
                let size = Int(min(UInt64(Self.packetSize), max(200, rate / 8 / 50)))
                send(at: nextMediaSend, size: size, cluster: nil)
                nextMediaSend += .nanoseconds(Int64(size) * 8_000_000_000 / Int64(rate))
            }
        }
        if now >= nextFeedback {
            if let feedback = receiver.feedback(at: now) {
                pendingFeedback.append((now + link.propagation, feedback))
            }
            nextFeedback += feedbackInterval
        }
        steps += 1
        if steps % 10 == 0 { trace.append((now - start, estimator.targetBitrate)) }
    }

    private mutating func send(at time: Duration, size: Int, cluster: Int?) {
        let sequenceNumber = nextSequence
        nextSequence &+= 1
        estimator.onPacketSent(transportSequenceNumber: sequenceNumber, size: size, at: time, probeCluster: cluster)
        sentBytes += size
        receiver.record(sequenceNumber: sequenceNumber, arrival: link.transmit(size: size, at: time))
    }

    /// The first time (since start) from `from` on when the target satisfied `condition`.
    func firstTime(from: Duration = .zero, where condition: (UInt64) -> Bool) -> Duration? {
        trace.first { $0.time >= from && condition($0.target) }?.time
    }

    /// The longest stretch within `range` during which the target satisfied `condition`.
    func longestStretch(in range: Range<Duration>, where condition: (UInt64) -> Bool) -> Duration {
        var longest: Duration = .zero
        var began: Duration?
        for sample in trace where range.contains(sample.time) {
            if condition(sample.target) {
                let since = began ?? sample.time
                began = since
                longest = max(longest, sample.time - since)
            } else {
                began = nil
            }
        }
        return longest
    }

    /// The mean target within `range`.
    func meanTarget(in range: Range<Duration>) -> Double {
        let samples = trace.filter { range.contains($0.time) }
        guard !samples.isEmpty else { return 0 }
        return samples.reduce(0.0) { $0 + Double($1.target) } / Double(samples.count)
    }
}
