import RTP

/// One plaintext RTP packet of a published track, analysed once on arrival: the small value
/// every later decision (cache, keyframe, NACK, forwarding) works from, so no one re-parses.
///
/// Sequence number and timestamp are already unwrapped (`InboundStream`): house rule 5. Offsets
/// (`headerLength`, `payloadRange`) index the packet's bytes, which stay with the caller or in a
/// cache slot; the value itself owns nothing.
public struct IncomingPacket: Sendable, Equatable {
    public var ssrc: UInt32
    /// The source epoch the packet belongs to (see `InboundStream`).
    public var epoch: UInt32
    /// Track-space extended sequence number.
    public var sequenceNumber: Int64
    /// Extended RTP timestamp within the epoch.
    public var timestamp: Int64
    public var marker: Bool
    public var payloadType: UInt8
    /// The packet starts a keyframe (VP8: S=1, PID=0, P=0; H.264: IDR or SPS first).
    public var isKeyframe: Bool
    /// VP8 picture id (7 or 15 bits), when the descriptor carries one.
    public var vp8PictureID: UInt16?
    /// VP8 TL0PICIDX, when the descriptor carries one.
    public var vp8TL0PictureIndex: UInt8?
    /// VP8 temporal layer id, when the descriptor carries one.
    public var vp8TemporalLayer: UInt8?
    /// VP8 layer sync (Y): the frame depends only on the base layer, so a viewer can start
    /// receiving this temporal layer here.
    public var vp8LayerSync: Bool
    /// The packet starts a frame (VP8: first packet of partition 0; other codecs: false).
    public var startsFrame: Bool
    public var headerLength: Int
    /// Payload bytes, after the header and before any padding.
    public var payloadRange: Range<Int>
    /// Bytes of the whole packet.
    public var size: Int
    public var arrival: Duration
    /// The packet came on the RTX stream (a retransmission we asked for).
    public var isRetransmission: Bool

    /// No payload: padding the sender used to probe bandwidth. Dropping it loses nothing.
    @inlinable public var isPaddingOnly: Bool { payloadRange.isEmpty }
    /// Bytes of payload (what an SR's octet count counts).
    @inlinable public var payloadLength: Int { payloadRange.count }
    /// The timestamp as written on the wire.
    @inlinable public var wireTimestamp: UInt32 { UInt32(truncatingIfNeeded: timestamp) }
    /// The sequence number as written on the wire.
    @inlinable public var wireSequenceNumber: UInt16 { UInt16(truncatingIfNeeded: sequenceNumber) }

    public init(ssrc: UInt32, epoch: UInt32, sequenceNumber: Int64, timestamp: Int64, marker: Bool, payloadType: UInt8,
                isKeyframe: Bool, vp8PictureID: UInt16? = nil, vp8TL0PictureIndex: UInt8? = nil,
                vp8TemporalLayer: UInt8? = nil, vp8LayerSync: Bool = false, startsFrame: Bool = false, headerLength: Int, payloadRange: Range<Int>, size: Int,
                arrival: Duration, isRetransmission: Bool = false) {
        self.ssrc = ssrc
        self.epoch = epoch
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.marker = marker
        self.payloadType = payloadType
        self.isKeyframe = isKeyframe
        self.vp8PictureID = vp8PictureID
        self.vp8TL0PictureIndex = vp8TL0PictureIndex
        self.vp8TemporalLayer = vp8TemporalLayer
        self.vp8LayerSync = vp8LayerSync
        self.startsFrame = startsFrame
        self.headerLength = headerLength
        self.payloadRange = payloadRange
        self.size = size
        self.arrival = arrival
        self.isRetransmission = isRetransmission
    }

    /// Analyses a parsed packet: reads the codec payload header for keyframe and picture ids.
    ///
    /// - Parameters:
    ///   - packet: the whole packet `header` was parsed from.
    ///   - arrival: unwrapped values from the track's `InboundStream`.
    /// - Throws: `SFUError.rtp` when the codec payload header is malformed. Padding-only packets
    ///   have no payload header and always succeed.
    public init(analyzing packet: UnsafeRawBufferPointer, header: RTPHeader, codec: CodecKind,
                arrival unwrapped: InboundStream.Arrival, at arrival: Duration,
                isRetransmission: Bool = false) throws(SFUError) {
        var keyframe = false
        var pictureID: UInt16?
        var tl0: UInt8?
        var temporalLayer: UInt8?
        var layerSync = false
        var startsFrame = false
        let range = header.payloadRange
        if !range.isEmpty {
            let payload = UnsafeRawBufferPointer(rebasing: packet[range])
            do throws(RTPError) {
                switch codec {
                case .vp8:
                    let descriptor = try VP8PayloadDescriptor(parsing: payload)
                    keyframe = descriptor.isKeyframe(payload: payload)
                    pictureID = descriptor.pictureID
                    tl0 = descriptor.tl0PictureIndex
                    temporalLayer = descriptor.temporalLayer
                    layerSync = descriptor.layerSync
                    startsFrame = descriptor.startOfPartition && descriptor.partitionIndex == 0
                case .h264:
                    keyframe = try H264Payload(parsing: payload).isKeyframe
                case .opus:
                    break
                }
            } catch {
                throw .rtp(error)
            }
        }
        self.init(ssrc: header.ssrc, epoch: unwrapped.epoch, sequenceNumber: unwrapped.sequenceNumber,
                  timestamp: unwrapped.timestamp, marker: header.marker, payloadType: header.payloadType,
                  isKeyframe: keyframe, vp8PictureID: pictureID, vp8TL0PictureIndex: tl0,
                  vp8TemporalLayer: temporalLayer, vp8LayerSync: layerSync, startsFrame: startsFrame, headerLength: header.headerLength, payloadRange: range,
                  size: packet.count, arrival: arrival, isRetransmission: isRetransmission)
    }
}
