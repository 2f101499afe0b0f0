import RTP

/// Decides, per subscription, how each packet of a published track is rewritten for the viewer,
/// so the viewer sees one continuous RTP stream (its own SSRC, sequence numbers and timestamps)
/// whatever happens upstream.
///
/// `translate(_:at:)` is the decision: it returns a value (`.forward(RTPRewrite)` or
/// `.drop(reason)`) and updates only this forwarder's offsets. `apply` writes a rewrite into the
/// egress copy of the bytes. No allocation after init.
///
/// How the mapping works. Output = input + offset, per *segment*. A segment starts when video
/// sees a keyframe (audio: any packet with payload) at the first start, after a pause, or for a
/// newer source epoch (`InboundStream`). A new segment continues the output where it stopped:
/// sequence number = last + 1; VP8 picture id and TL0PICIDX = last + 1; timestamp = last + the
/// wall-clock gap between the two packets' arrivals in clock ticks — except after a pause of the
/// same source, whose timestamps kept running, so its old offset still holds.
///
/// Within a segment, gaps from upstream loss stay gaps (the viewer NACKs them and the reverse
/// map answers); packets *we* drop (padding-only) close up: later packets shift down by one.
/// Out-of-order packets. A late packet (below the highest seen) maps through
/// `SequenceOffsetMap`, the offset that was in effect at its own position, so it lands exactly
/// in the hole the viewer has; one already sent (checked in the reverse map) or dropped is a
/// duplicate. A late packet from before the segment, older than the remembered drop runs, or
/// older than the reverse-map history cannot be placed and is dropped as `tooOld`; one from an
/// older epoch is `staleSource`. While video waits for a newer epoch's keyframe, the current
/// epoch keeps flowing, so a source switch shows no freeze.
public struct Forwarder: Sendable {
    /// What the forwarder needs to know about the track and the viewer.
    public struct Configuration: Sendable, Equatable {
        public var kind: MediaKind
        public var codec: CodecKind
        public var clockRate: UInt32
        /// The viewer-side SSRC and payload type.
        public var ssrc: UInt32
        public var payloadType: UInt8
        public var initialSequenceNumber: UInt16
        public var initialTimestamp: UInt32
        /// Entries in the reverse map (rounded up to a power of two).
        public var historyCapacity: Int
        /// Drop runs remembered per segment for placing late packets.
        public var offsetRunCapacity: Int
        /// The publisher's header-extension ids, handed to the egress path in every rewrite.
        public var sourceExtensions = HeaderExtensionIDs()

        public init(kind: MediaKind, codec: CodecKind, clockRate: UInt32, ssrc: UInt32, payloadType: UInt8,
                    initialSequenceNumber: UInt16 = 0, initialTimestamp: UInt32 = 0, historyCapacity: Int = 512,
                    offsetRunCapacity: Int = 64) {
            self.kind = kind
            self.codec = codec
            self.clockRate = clockRate
            self.ssrc = ssrc
            self.payloadType = payloadType
            self.initialSequenceNumber = initialSequenceNumber
            self.initialTimestamp = initialTimestamp
            self.historyCapacity = historyCapacity
            self.offsetRunCapacity = offsetRunCapacity
        }

        public init(track: TrackDescriptor, parameters: SubscriptionParameters, historyCapacity: Int = 512) {
            self.init(kind: track.kind, codec: track.codec, clockRate: track.clockRate, ssrc: parameters.ssrc,
                      payloadType: parameters.payloadType, initialSequenceNumber: parameters.initialSequenceNumber,
                      initialTimestamp: parameters.initialTimestamp, historyCapacity: historyCapacity)
            sourceExtensions = track.headerExtensions
        }
    }

    /// A packet that was forwarded: where it came from and how it was rewritten.
    public struct ForwardedPacket: Sendable, Equatable {
        /// Track-space sequence number of the input packet (the `PacketCache` key).
        public var originalSequenceNumber: Int64
        /// The source epoch it was forwarded from.
        public var epoch: UInt32
        public var rewrite: RTPRewrite
    }

    /// Counts of what the forwarder did.
    public struct Counters: Sendable, Equatable {
        public var forwarded = 0
        public var waitingForKeyframe = 0
        public var paused = 0
        public var paddingOnly = 0
        public var duplicate = 0
        public var tooOld = 0
        public var staleSource = 0
        public var temporalLayer = 0
        /// NACKed sequence numbers the reverse map no longer (or never) knew.
        public var retransmissionsUnknown = 0
        /// NACKed packets not resent because they were resent moments ago.
        public var retransmissionsSuppressed = 0

        public func dropped(_ reason: DropReason) -> Int {
            switch reason {
            case .waitingForKeyframe: waitingForKeyframe
            case .paused: paused
            case .paddingOnly: paddingOnly
            case .duplicate: duplicate
            case .tooOld: tooOld
            case .staleSource: staleSource
            case .temporalLayer: temporalLayer
            }
        }

        mutating func count(_ reason: DropReason) {
            switch reason {
            case .waitingForKeyframe: waitingForKeyframe += 1
            case .paused: paused += 1
            case .paddingOnly: paddingOnly += 1
            case .duplicate: duplicate += 1
            case .tooOld: tooOld += 1
            case .staleSource: staleSource += 1
            case .temporalLayer: temporalLayer += 1
            }
        }
    }

    /// The input → output mapping of the current segment.
    struct Segment: Sendable, Equatable {
        var epoch: UInt32
        var firstSequenceNumber: Int64
        var highestSequenceNumber: Int64
        var timestampOffset: Int64
        /// Added modulo 2^15 to VP8 picture ids.
        var pictureIDOffset: UInt16
        var tl0Offset: UInt8
    }

    /// The newest in-order output, what a new segment continues from.
    struct Output: Sendable, Equatable {
        var sequenceNumber: Int64
        var timestamp: Int64
        /// Arrival time of the input packet the timestamp came from.
        var anchor: Duration
        var pictureID: UInt16?
        var tl0PictureIndex: UInt8?
    }

    public let configuration: Configuration
    public private(set) var isPaused = false
    public private(set) var counters = Counters()
    /// RTP packets forwarded for the first time (an SR's sender packet count).
    public private(set) var packetCount: UInt64 = 0
    /// Payload octets of those packets (an SR's sender octet count).
    public private(set) var payloadOctetCount: UInt64 = 0
    /// When the last packet was forwarded (idle detection for the viewer's stream).
    public private(set) var lastForwardedAt: Duration?

    /// The highest VP8 temporal layer forwarded now, and the one asked for: lowered at the next
    /// frame start, raised at a frame of a higher layer that is a layer sync point (or a keyframe),
    /// where the viewer can decode it without the frames it missed.
    public private(set) var temporalLimit: UInt8 = .max
    private var temporalTarget: UInt8 = .max
    /// The picture id of the frame being dropped (its packets close one picture id, once).
    private var droppedPictureID: UInt16?

    private var segment: Segment?
    /// Set by a pause: the next packet must start a new segment.
    private var restartPending = false
    private var last: Output?
    private var offsets: SequenceOffsetMap
    private var history: ForwardedPacketHistory

    public init(configuration: Configuration) {
        self.configuration = configuration
        offsets = SequenceOffsetMap(capacity: configuration.offsetRunCapacity)
        history = ForwardedPacketHistory(capacity: configuration.historyCapacity)
    }

    /// Video that has not started, or must restart, forwards nothing until a keyframe.
    public var isWaitingForKeyframe: Bool {
        configuration.kind == .video && (segment == nil || restartPending)
    }

    /// Whether any packet was forwarded yet.
    public var hasStarted: Bool { last != nil }

    /// The source epoch being forwarded, once started.
    public var currentEpoch: UInt32? { segment?.epoch }

    /// The newest output sequence number (extended), once started.
    public var lastSequenceNumber: Int64? { last?.sequenceNumber }

    /// The highest input (track-space) sequence number the forwarder has placed, once started.
    public var highestInputSequenceNumber: Int64? { segment?.highestSequenceNumber }

    /// The newest output timestamp (extended), once started.
    public var lastTimestamp: Int64? { last?.timestamp }

    /// Pauses (mute, viewer disabled the track) or resumes. Resuming starts a new segment at the
    /// next keyframe (video) or packet (audio), continuing the output without a gap.
    public mutating func setPaused(_ paused: Bool) {
        if paused { restartPending = true }
        isPaused = paused
    }

    /// Asks for VP8 temporal layers up to `layer` (`.max`: all); takes effect at a frame
    /// boundary, see `temporalLimit`.
    public mutating func setTemporalTarget(_ layer: UInt8) { temporalTarget = layer }

    // MARK: the decision

    /// Decides how `packet` goes to the viewer, updating the offsets (see the type's comment).
    ///
    /// Timestamp extrapolation anchors on the packets' *arrival* times, not on `now`, so a
    /// keyframe replayed to a new viewer long after it arrived still bridges correctly; `now`
    /// only stamps `lastForwardedAt`.
    public mutating func translate(_ packet: IncomingPacket, at now: Duration) -> ForwardDecision {
        let decision = decide(packet)
        switch decision {
        case .forward:
            counters.forwarded += 1
            lastForwardedAt = now
        case .drop(let reason): counters.count(reason)
        }
        return decision
    }

    private mutating func decide(_ packet: IncomingPacket) -> ForwardDecision {
        if isPaused { return .drop(.paused) }
        if let current = segment {
            if !restartPending, packet.epoch == current.epoch { return continueSegment(current, packet) }
            if packet.epoch < current.epoch { return .drop(.staleSource) }
        }
        if configuration.kind == .video, !packet.isKeyframe { return .drop(.waitingForKeyframe) }
        if packet.isPaddingOnly { return .drop(.paddingOnly) }
        startSegment(at: packet)
        guard let started = segment else { return .drop(.tooOld) }
        return forward(packet, segment: started, output: packet.sequenceNumber + offsets.currentOffset, inOrder: true)
    }

    private mutating func continueSegment(_ current: Segment, _ packet: IncomingPacket) -> ForwardDecision {
        var current = current
        let sequenceNumber = packet.sequenceNumber
        if sequenceNumber > current.highestSequenceNumber {
            current.highestSequenceNumber = sequenceNumber
            segment = current
            if packet.isPaddingOnly {
                offsets.recordDrop(sequenceNumber)
                return .drop(.paddingOnly)
            }
            if let layer = packet.vp8TemporalLayer, !admitsTemporalLayer(layer, of: packet) {
                offsets.recordDrop(sequenceNumber)
                if let pictureID = packet.vp8PictureID, pictureID != droppedPictureID {
                    droppedPictureID = pictureID
                    current.pictureIDOffset &-= 1
                    segment = current
                }
                return .drop(.temporalLayer)
            }
            return forward(packet, segment: current, output: sequenceNumber + offsets.currentOffset, inOrder: true)
        }
        if sequenceNumber == current.highestSequenceNumber { return .drop(.duplicate) }
        guard sequenceNumber >= current.firstSequenceNumber else { return .drop(.tooOld) }
        let offset: Int64
        switch offsets.lookup(sequenceNumber) {
        case .unknown: return .drop(.tooOld)
        case .dropped: return .drop(.duplicate)
        case .offset(let value): offset = value
        }
        let output = sequenceNumber + offset
        if let last, last.sequenceNumber - output >= Int64(history.capacity) { return .drop(.tooOld) }
        if history.contains(output: output, input: sequenceNumber) { return .drop(.duplicate) }
        return forward(packet, segment: current, output: output, inOrder: false)
    }

    private mutating func startSegment(at packet: IncomingPacket) {
        let output = last.map { $0.sequenceNumber + 1 } ?? Int64(configuration.initialSequenceNumber)
        let timestampOffset: Int64
        if let last {
            // Timestamps only matter modulo 2^32 on the wire: wrapping arithmetic keeps a hostile
            // stream's extreme values from trapping.
            let extrapolated = last.timestamp &+ max(1, (packet.arrival - last.anchor).ticks(atRate: configuration.clockRate))
            if let previous = segment, previous.epoch == packet.epoch,
               packet.timestamp &+ previous.timestampOffset > last.timestamp {
                // Same source after a pause: its clock kept running, so the old offset is exact.
                timestampOffset = previous.timestampOffset
            } else {
                timestampOffset = extrapolated &- packet.timestamp
            }
        } else {
            timestampOffset = Int64(configuration.initialTimestamp) &- packet.timestamp
        }
        var pictureIDOffset: UInt16 = 0
        if let input = packet.vp8PictureID, let previous = last?.pictureID {
            pictureIDOffset = (previous &+ 1 &- input) & 0x7FFF
        }
        var tl0Offset: UInt8 = 0
        if let input = packet.vp8TL0PictureIndex, let previous = last?.tl0PictureIndex {
            tl0Offset = previous &+ 1 &- input
        }
        let sequenceOffset = output - packet.sequenceNumber
        segment = Segment(epoch: packet.epoch, firstSequenceNumber: packet.sequenceNumber,
                          highestSequenceNumber: packet.sequenceNumber, timestampOffset: timestampOffset,
                          pictureIDOffset: pictureIDOffset, tl0Offset: tl0Offset)
        offsets.reset(first: packet.sequenceNumber, offset: sequenceOffset)
        restartPending = false
        // A keyframe depends on nothing: every layer asked for can be decoded from here.
        temporalLimit = temporalTarget
        droppedPictureID = nil
    }

    /// Moves the temporal limit at a frame start, then says whether a packet of `layer` goes.
    private mutating func admitsTemporalLayer(_ layer: UInt8, of packet: IncomingPacket) -> Bool {
        if packet.startsFrame, temporalTarget != temporalLimit {
            if temporalTarget < temporalLimit || packet.isKeyframe {
                temporalLimit = temporalTarget
            } else if layer > temporalLimit, layer <= temporalTarget, packet.vp8LayerSync {
                temporalLimit = layer
            }
        }
        return layer <= temporalLimit
    }

    private mutating func forward(_ packet: IncomingPacket, segment: Segment, output: Int64,
                                  inOrder: Bool) -> ForwardDecision {
        let timestamp = packet.timestamp &+ segment.timestampOffset
        let pictureID = packet.vp8PictureID.map { ($0 &+ segment.pictureIDOffset) & 0x7FFF }
        let tl0 = packet.vp8TL0PictureIndex.map { $0 &+ segment.tl0Offset }
        let rewrite = RTPRewrite(ssrc: configuration.ssrc, sequenceNumber: UInt16(truncatingIfNeeded: output),
                                 timestamp: UInt32(truncatingIfNeeded: timestamp), payloadType: configuration.payloadType,
                                 marker: packet.marker, vp8PictureID: pictureID, vp8TL0PictureIndex: tl0,
                                 sourceExtensions: configuration.sourceExtensions)
        history.record(output: output, input: packet.sequenceNumber, epoch: packet.epoch, rewrite: rewrite)
        if inOrder {
            last = Output(sequenceNumber: output, timestamp: timestamp, anchor: packet.arrival,
                          pictureID: pictureID ?? last?.pictureID, tl0PictureIndex: tl0 ?? last?.tl0PictureIndex)
        }
        packetCount += 1
        payloadOctetCount += UInt64(packet.payloadLength)
        return .forward(rewrite)
    }

    // MARK: retransmissions and reports

    /// The packet a viewer's NACK for `sequenceNumber` asks for, or nil when the reverse map no
    /// longer knows it or it was resent less than `suppression` ago. Marks it resent at `now`.
    public mutating func retransmission(of sequenceNumber: UInt16, at now: Duration,
                                        suppression: Duration = .zero) -> ForwardedPacket? {
        guard let last else {
            counters.retransmissionsUnknown += 1
            return nil
        }
        let delta = Int64(Int16(bitPattern: sequenceNumber &- UInt16(truncatingIfNeeded: last.sequenceNumber)))
        let output = last.sequenceNumber + delta
        guard let entry = history.entry(output: output) else {
            counters.retransmissionsUnknown += 1
            return nil
        }
        if let previous = entry.lastRetransmission, now - previous < suppression {
            counters.retransmissionsSuppressed += 1
            return nil
        }
        history.markRetransmitted(output: output, at: now)
        return ForwardedPacket(originalSequenceNumber: entry.inputSequenceNumber, epoch: entry.epoch, rewrite: entry.rewrite)
    }

    /// The viewer-side RTP timestamp of a source timestamp of `epoch` (for rewriting the
    /// publisher's SR), or nil when the forwarder is not forwarding that epoch.
    public func outputTimestamp(forSourceTimestamp timestamp: UInt32, epoch: UInt32) -> UInt32? {
        guard let segment, segment.epoch == epoch else { return nil }
        return UInt32(truncatingIfNeeded: Int64(timestamp) &+ segment.timestampOffset)
    }

    /// Writes `rewrite` into the packet of `length` bytes at the start of `buffer`; returns the
    /// new length (see `RTPRewrite.apply(to:length:)`).
    public static func apply(_ rewrite: RTPRewrite, to buffer: UnsafeMutableRawBufferPointer,
                             length: Int) throws(SFUError) -> Int {
        try rewrite.apply(to: buffer, length: length)
    }

    /// Writes `rewrite` into a packet that fills `packet` exactly (not for RTX rewrites).
    public static func apply(_ rewrite: RTPRewrite, to packet: UnsafeMutableRawBufferPointer) throws(SFUError) {
        try rewrite.apply(to: packet)
    }
}
