/// One viewer receiving one published track: the viewer's `Forwarder`, its RTX encoder when it
/// negotiated RTX, its sender-report rewriter, and its pause flags. Owned by the `PublishedTrack`
/// it currently receives (the parent); the viewer's `Participant` indexes it by SSRC for routing
/// its feedback.
///
/// For a simulcast group the subscription follows one layer (`layer`) and, during a switch, also
/// listens to the next (`pendingLayer`) until that layer's keyframe starts a new segment. Each
/// layer's epochs are mapped into one increasing sequence per subscription (`mappedEpoch`): the
/// pending layer's packets look like a newer source to the forwarder, so it bridges sequence
/// numbers, timestamps and picture ids exactly as it does for a replaced source, and the old
/// layer's packets become stale the moment the switch completes.
public final class Subscription {
    public let subscriberID: ParticipantID
    /// The id the viewer subscribed to (a simulcast group's id for layered tracks).
    public let trackID: TrackID
    public let parameters: SubscriptionParameters
    public internal(set) var forwarder: Forwarder
    var rtx: RTXEncoder?
    var senderReports = SenderReportRewriter()
    /// The viewer turned the track off (it stays subscribed).
    public internal(set) var isPausedByViewer = false
    /// The viewer's bandwidth does not carry the track (the allocator paused it).
    public internal(set) var isPausedByAllocation = false
    /// The last report block the viewer sent about this stream.
    public internal(set) var lastReceiverReport: ReportBlockSummary?
    /// What the viewer asked of this video (`set_video`): a height cap and/or a fixed layer.
    public internal(set) var maxHeight: Int?
    public internal(set) var requestedLayer: Int?

    /// The stream whose packets are forwarded now, and the one a layer switch waits for.
    public internal(set) var layer: PublishedTrack
    var pendingLayer: PublishedTrack?
    /// Layer switches begun; the high bits of every mapped epoch.
    private var generation: UInt32 = 0
    /// The layer of each recent generation, so a NACK finds the cache its packet came from.
    private var generationLayers: [PublishedTrack?] = [nil, nil, nil, nil]
    let isLayered: Bool
    var selector: LayerSelector

    init(subscriberID: ParticipantID, track: PublishedTrack, groupID: TrackID, isLayered: Bool,
         parameters: SubscriptionParameters, historyCapacity: Int, selector: LayerSelector.Configuration) {
        self.subscriberID = subscriberID
        self.trackID = groupID
        self.parameters = parameters
        self.layer = track
        self.isLayered = isLayered
        self.selector = LayerSelector(configuration: selector)
        forwarder = Forwarder(configuration: Forwarder.Configuration(track: track.descriptor, parameters: parameters,
                                                                     historyCapacity: historyCapacity))
        if let ssrc = parameters.rtxSSRC, let payloadType = parameters.rtxPayloadType {
            rtx = RTXEncoder(ssrc: ssrc, payloadType: payloadType, initialSequenceNumber: parameters.initialRTXSequenceNumber)
        }
        generationLayers[0] = track
    }

    /// Applies the combined pause state (publisher mute, viewer pause, allocation) to the forwarder.
    func updatePaused(trackMuted: Bool) {
        let paused = trackMuted || isPausedByViewer || isPausedByAllocation
        if paused != forwarder.isPaused { forwarder.setPaused(paused) }
    }

    /// The epoch the forwarder sees for a packet of `track` with source epoch `epoch`; nil for a
    /// layer this subscription neither follows nor waits for.
    @inline(__always)
    func mappedEpoch(of track: PublishedTrack, _ epoch: UInt32) -> UInt32? {
        guard isLayered else { return epoch }
        if track === layer { return generation << 16 | (epoch & 0xFFFF) }
        if track === pendingLayer { return (generation &+ 1) << 16 | (epoch & 0xFFFF) }
        return nil
    }

    /// The layer a forwarded packet of `epoch` (a mapped epoch) came from.
    func layer(forEpoch epoch: UInt32) -> PublishedTrack? {
        guard isLayered else { return layer }
        let generation = epoch >> 16
        guard let candidate = generationLayers[Int(generation & 3)], self.generation &- generation < 4 else { return nil }
        return candidate
    }

    /// Starts listening to `target` (nil: cancel a pending switch). Returns the layer to drop
    /// from, if any, so the room can update the layer's subscriber list.
    func beginSwitch(to target: PublishedTrack?) -> PublishedTrack? {
        let dropped = pendingLayer
        pendingLayer = target === layer ? nil : target
        return dropped === pendingLayer ? nil : dropped
    }

    /// The pending layer's keyframe started a segment: it is the layer now. Returns the old one.
    func completeSwitch() -> PublishedTrack? {
        guard let next = pendingLayer else { return nil }
        let old = layer
        layer = next
        pendingLayer = nil
        generation &+= 1
        generationLayers[Int(generation & 3)] = next
        return old
    }
}
