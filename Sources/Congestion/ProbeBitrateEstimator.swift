// Measures what a probe cluster got through: from the send and arrival times of the packets
// tagged with one cluster id, the bitrate they were sent at and the bitrate they arrived at. The
// path carries at least min(send, receive); when the arrival rate clearly fell behind the send
// rate the bottleneck was found, and a little under the arrival rate is reported. Clusters with
// fewer than 80 % of their packets (and bytes) acknowledged are not judged: losses make the
// arrival spacing meaningless. It does not plan probes (that is `ProbeController`) nor send them.
//
// A handful of clusters are tracked in fixed slots; a new cluster reuses the stalest slot.

public struct ProbeBitrateEstimator: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Part of a cluster's sent packets and bytes that must be acknowledged.
        public var minAcknowledgedRatio = 0.8
        /// At least this many packets must be acknowledged (ProbeCluster's minimum).
        public var minPackets = 5
        /// Send or receive spans longer than this are not a probe any more.
        public var maxInterval: Duration = .seconds(1)
        /// A receive rate more than this multiple of the send rate is a measurement error.
        public var maxReceiveToSendRatio = 2.0
        /// Receiving below this fraction of the send rate means the link saturated.
        public var saturationRatio = 0.9
        /// Reported fraction of the receive rate when the link saturated.
        public var saturatedUtilization = 0.95
        /// Tracked clusters.
        public var slots = 8

        public init() {}
    }

    private struct Cluster: Sendable {
        var id = -1
        var sentPackets = 0
        var sentBytes = 0
        var ackedPackets = 0
        var ackedBytes = 0
        var firstSend = Duration.zero
        var lastSend = Duration.zero
        var lastSendSize = 0
        var firstArrival = Duration.zero
        var lastArrival = Duration.zero
        var firstArrivalSize = 0
        /// When the slot was last touched (our clock), to pick the stalest one for reuse.
        var touched = Duration.zero
    }

    public let configuration: Configuration
    private var clusters: [Cluster]
    /// Clusters measured so far.
    public private(set) var measurements = 0
    /// The latest bitrate measured.
    public private(set) var lastEstimate: UInt64?

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        clusters = [Cluster](repeating: Cluster(), count: Swift.max(1, Swift.min(configuration.slots, 64)))
    }

    private mutating func slot(for id: Int, at now: Duration) -> Int {
        var stalest = 0
        for index in clusters.indices {
            if clusters[index].id == id { return index }
            if clusters[index].touched < clusters[stalest].touched { stalest = index }
        }
        if let empty = clusters.firstIndex(where: { $0.id < 0 }) { stalest = empty }
        clusters[stalest] = Cluster(id: id, touched: now)
        return stalest
    }

    /// Counts one packet sent for cluster `id`.
    public mutating func onPacketSent(cluster id: Int, size: Int, at now: Duration) {
        guard id >= 0 else { return }
        let index = slot(for: id, at: now)
        clusters[index].sentPackets += 1
        clusters[index].sentBytes &+= Swift.max(0, size)
        clusters[index].touched = now
    }

    /// Adds one acknowledged packet of cluster `id`; returns the cluster's bitrate when it can be
    /// judged (called again with more packets, it refines the figure).
    @discardableResult
    public mutating func onPacketAcknowledged(cluster id: Int, sendTime: Duration, arrival: Duration, size: Int,
                                              at now: Duration) -> UInt64? {
        guard id >= 0 else { return nil }
        // A cluster we never saw sent (evicted, or hostile): nothing to compare with.
        guard let index = clusters.firstIndex(where: { $0.id == id }) else { return nil }
        var cluster = clusters[index]
        let size = Swift.max(0, size)
        if cluster.ackedPackets == 0 {
            cluster.firstSend = sendTime
            cluster.lastSend = sendTime
            cluster.lastSendSize = size
            cluster.firstArrival = arrival
            cluster.lastArrival = arrival
            cluster.firstArrivalSize = size
        } else {
            if sendTime < cluster.firstSend { cluster.firstSend = sendTime }
            if sendTime >= cluster.lastSend {
                cluster.lastSend = sendTime
                cluster.lastSendSize = size
            }
            if arrival < cluster.firstArrival {
                cluster.firstArrival = arrival
                cluster.firstArrivalSize = size
            }
            if arrival > cluster.lastArrival { cluster.lastArrival = arrival }
        }
        cluster.ackedPackets += 1
        cluster.ackedBytes &+= size
        cluster.touched = now
        clusters[index] = cluster
        guard let estimate = measure(cluster) else { return nil }
        measurements += 1
        lastEstimate = estimate
        return estimate
    }

    private func measure(_ cluster: Cluster) -> UInt64? {
        let ratio = configuration.minAcknowledgedRatio
        guard cluster.ackedPackets >= configuration.minPackets,
              Double(cluster.ackedPackets) >= ratio * Double(cluster.sentPackets),
              Double(cluster.ackedBytes) >= ratio * Double(cluster.sentBytes) else { return nil }
        let sendInterval = cluster.lastSend - cluster.firstSend
        let receiveInterval = cluster.lastArrival - cluster.firstArrival
        guard sendInterval > .zero, sendInterval <= configuration.maxInterval,
              receiveInterval > .zero, receiveInterval <= configuration.maxInterval else { return nil }
        // The last packet sent took no send time inside the interval, the first received no
        // receive time: leave each out of its own rate.
        guard let sendRate = BitrateArithmetic.bitsPerSecond(bytes: cluster.ackedBytes - cluster.lastSendSize,
                                                             over: sendInterval),
              let receiveRate = BitrateArithmetic.bitsPerSecond(bytes: cluster.ackedBytes - cluster.firstArrivalSize,
                                                                over: receiveInterval),
              sendRate > 0, receiveRate > 0 else { return nil }
        guard receiveRate <= configuration.maxReceiveToSendRatio * sendRate else { return nil }
        var result = Swift.min(sendRate, receiveRate)
        if receiveRate < configuration.saturationRatio * sendRate {
            result = configuration.saturatedUtilization * receiveRate
        }
        return BitrateArithmetic.bitrate(result)
    }
}
