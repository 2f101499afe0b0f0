import Congestion
import RTP

/// One track a participant publishes, and everything the room keeps for it: the unwrapping
/// state (`InboundStream`), the packet and keyframe caches, the NACK generator, reception
/// statistics, the keyframe requester, and the subscriptions (its children, in subscribe order).
public final class PublishedTrack {
    public private(set) var descriptor: TrackDescriptor
    public let publisherID: ParticipantID
    public internal(set) var isMuted = false
    public var id: TrackID { descriptor.id }
    /// The track viewers subscribe to: this track's own id, or, for one layer of a simulcast
    /// group, the group's (its first layer's) id.
    public let groupID: TrackID
    /// Order of this layer among its group's as the publisher's SDP listed them.
    let layerOrder: Int
    /// The size of the latest keyframe (VP8 says it in the keyframe header), for layer order,
    /// `maxHeight` preferences and what viewers are told.
    public internal(set) var frameWidth: Int?
    public internal(set) var frameHeight: Int?
    /// What this stream carries now (bits/s over the last second), for the allocator.
    var rate = IngressRateMeter()
    var lastPacketAt: Duration?
    /// What each VP8 temporal layer carries (index = layer id), and when a packet last said it
    /// has temporal layers: the allocator offers T0, T0+T1, ... as cheaper steps of this layer.
    var temporalRates = [IngressRateMeter](repeating: IngressRateMeter(), count: PublishedTrack.temporalLayerLimit)
    var highestTemporalLayer: UInt8 = 0
    var temporalLayersSeenAt: Duration?
    /// Set when a packet showed a temporal layer above any before: the layers offered changed
    /// meaning (T0 was the whole stream), so the viewers' selectors start over.
    var temporalLayersGrew = false
    static let temporalLayerLimit = 4

    var inbound: InboundStream
    let packetCache: PacketCache
    let keyframeCache: KeyframeCache?
    var nackGenerator: NackGenerator
    public internal(set) var statistics: ReceiveStreamStatistics
    var keyframeRequester: KeyframeRequester
    var subscriptions: [Subscription] = []
    /// Packets accepted for this track.
    public private(set) var packetsReceived = 0

    init(descriptor: TrackDescriptor, publisherID: ParticipantID, configuration: RoomConfiguration,
         groupID: TrackID? = nil, layerOrder: Int = 0) {
        self.descriptor = descriptor
        self.publisherID = publisherID
        self.groupID = groupID ?? descriptor.id
        self.layerOrder = layerOrder
        inbound = InboundStream(ssrc: descriptor.ssrc)
        let video = descriptor.kind == .video
        packetCache = PacketCache(capacity: video ? configuration.videoPacketCacheCapacity : configuration.audioPacketCacheCapacity,
                                  slotSize: configuration.maxPacketSize)
        keyframeCache = video ? KeyframeCache(packetCapacity: configuration.keyframeCachePackets,
                                              slotSize: configuration.maxPacketSize) : nil
        nackGenerator = NackGenerator(configuration: configuration.nack)
        statistics = ReceiveStreamStatistics(clockRate: descriptor.clockRate)
        keyframeRequester = KeyframeRequester(method: descriptor.keyframeRequestMethod,
                                              minimumInterval: configuration.keyframeRequestInterval)
        subscriptions.reserveCapacity(16)
    }

    /// The viewers' subscriptions, in subscribe order.
    public var subscriberIDs: [ParticipantID] { subscriptions.map(\.subscriberID) }

    /// Rebinds the media (and RTX) SSRC; the next packet starts a new source epoch.
    func rebind(ssrc: UInt32, rtxSSRC: UInt32?) {
        descriptor.ssrc = ssrc
        descriptor.rtxSSRC = rtxSSRC
        inbound.rebind(ssrc: ssrc)
    }

    func rebindRTX(ssrc: UInt32) { descriptor.rtxSSRC = ssrc }

    /// Records an accepted packet: caches, NACK state, statistics. Returns whether the NACK
    /// generator gave up on a gap too wide to repair (the caller asks for a keyframe).
    func record(_ packet: IncomingPacket, bytes: UnsafeRawBufferPointer, startsEpoch: Bool, at now: Duration) -> Bool {
        if startsEpoch {
            // A new source: its statistics and losses have nothing to do with the old one's.
            nackGenerator.reset()
            statistics = ReceiveStreamStatistics(clockRate: descriptor.clockRate)
        }
        packetsReceived += 1
        rate.record(bytes: packet.size, at: now)
        lastPacketAt = now
        if let layer = packet.vp8TemporalLayer, Int(layer) < Self.temporalLayerLimit {
            temporalRates[Int(layer)].record(bytes: packet.size, at: now)
            if layer > highestTemporalLayer {
                highestTemporalLayer = layer
                temporalLayersGrew = true
            }
            temporalLayersSeenAt = now
        }
        packetCache.store(packet, bytes: bytes)
        keyframeCache?.record(packet, bytes: bytes)
        if packet.isKeyframe { keyframeRequester.keyframeArrived() }
        statistics.record(packet)
        guard descriptor.acceptsNACK else { return false }
        return nackGenerator.packetArrived(packet.sequenceNumber, at: now) == .keyframeNeeded
    }

    func remove(_ subscription: Subscription) {
        subscriptions.removeAll { $0 === subscription }
    }

    func add(_ subscription: Subscription) {
        if !subscriptions.contains(where: { $0 === subscription }) { subscriptions.append(subscription) }
    }

    /// The cumulative bitrate of temporal layers 0...`layer` now; one entry when the stream has
    /// no temporal layers (or said none within `timeout`).
    func temporalBitrates(at now: Duration, timeout: Duration) -> [UInt64] {
        guard let seen = temporalLayersSeenAt, now - seen <= timeout, highestTemporalLayer > 0 else {
            return [rate.bitrate(at: now)]
        }
        var total: UInt64 = 0
        return (0...Int(highestTemporalLayer)).map { layer in
            total += temporalRates[layer].bitrate(at: now)
            return total
        }
    }

    /// Whether the stream sent anything within `timeout` of `now`.
    func isActive(at now: Duration, timeout: Duration) -> Bool {
        guard let lastPacketAt else { return false }
        return now - lastPacketAt <= timeout
    }
}
