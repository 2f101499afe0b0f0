import RTP

/// How one packet is rewritten for one viewer: the fixed-header fields it gets, the VP8 picture
/// ids to write into its payload descriptor, and, for an RFC 4588 retransmission, the original
/// sequence number to insert in front of the payload.
///
/// A plain value: the `Forwarder` decides it, the egress path applies it to its own copy of the
/// bytes (after copying them into a pooled buffer, before SRTP protection).
public struct RTPRewrite: Sendable, Equatable {
    public var ssrc: UInt32
    public var sequenceNumber: UInt16
    public var timestamp: UInt32
    public var payloadType: UInt8
    public var marker: Bool
    /// Written into the VP8 descriptor when it carries a picture id (keeping its 7/15-bit width).
    public var vp8PictureID: UInt16?
    /// Written into the VP8 descriptor when it carries TL0PICIDX.
    public var vp8TL0PictureIndex: UInt8?
    /// Set for an RTX retransmission: the OSN inserted before the payload (RFC 4588 §4).
    public var rtxOriginalSequenceNumber: UInt16?
    /// The ids the publisher's header extensions carry, so the egress path can translate them
    /// to the viewer's (`HeaderExtensionTranslator`).
    public var sourceExtensions: HeaderExtensionIDs

    public init(ssrc: UInt32, sequenceNumber: UInt16, timestamp: UInt32, payloadType: UInt8, marker: Bool,
                vp8PictureID: UInt16? = nil, vp8TL0PictureIndex: UInt8? = nil, rtxOriginalSequenceNumber: UInt16? = nil,
                sourceExtensions: HeaderExtensionIDs = HeaderExtensionIDs()) {
        self.ssrc = ssrc
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.payloadType = payloadType
        self.marker = marker
        self.vp8PictureID = vp8PictureID
        self.vp8TL0PictureIndex = vp8TL0PictureIndex
        self.rtxOriginalSequenceNumber = rtxOriginalSequenceNumber
        self.sourceExtensions = sourceExtensions
    }

    /// Bytes the rewrite adds to the packet (2 for RTX, else 0): the tail room the egress buffer needs.
    @inlinable public var growth: Int { rtxOriginalSequenceNumber == nil ? 0 : 2 }

    /// Rewrites the packet of `length` bytes at the start of `buffer` in place and returns its
    /// new length. `buffer` may be longer than the packet: an RTX rewrite needs 2 bytes of room.
    public func apply(to buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SFUError) -> Int {
        guard length >= 0, length <= buffer.count else { throw .bufferTooSmall(needed: length, have: buffer.count) }
        guard payloadType <= 0x7F else { throw .invalidConfiguration("payload type over 127") }
        let packet = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<length])
        let header: RTPHeader
        do throws(RTPError) {
            header = try RTPHeader(parsing: UnsafeRawBufferPointer(packet))
            try RTPHeader.setSSRC(ssrc, in: packet)
            try RTPHeader.setSequenceNumber(sequenceNumber, in: packet)
            try RTPHeader.setTimestamp(timestamp, in: packet)
            try RTPHeader.setPayloadType(payloadType, in: packet)
            try RTPHeader.setMarker(marker, in: packet)
            if (vp8PictureID != nil || vp8TL0PictureIndex != nil), !header.payloadRange.isEmpty {
                let payload = UnsafeMutableRawBufferPointer(rebasing: packet[header.payloadRange])
                let descriptor = try VP8PayloadDescriptor(parsing: UnsafeRawBufferPointer(payload))
                if let vp8PictureID, descriptor.pictureID != nil {
                    try descriptor.rewritePictureID(vp8PictureID, in: payload)
                }
                if let vp8TL0PictureIndex, descriptor.tl0PictureIndex != nil {
                    try descriptor.rewriteTL0PictureIndex(vp8TL0PictureIndex, in: payload)
                }
            }
        } catch {
            throw .rtp(error)
        }
        guard let original = rtxOriginalSequenceNumber else { return length }
        guard buffer.count >= length + 2 else { throw .bufferTooSmall(needed: length + 2, have: buffer.count) }
        let offset = header.headerLength
        if let base = buffer.baseAddress, length > offset {
            // Overlapping move (memmove semantics): payload and padding slide 2 bytes to the tail.
            (base + offset + 2).copyMemory(from: base + offset, byteCount: length - offset)
        }
        buffer[offset] = UInt8(truncatingIfNeeded: original >> 8)
        buffer[offset + 1] = UInt8(truncatingIfNeeded: original)
        return length + 2
    }

    /// Rewrites a packet that fills `packet` exactly; an RTX rewrite needs tail room, so it
    /// throws `bufferTooSmall` here — use `apply(to:length:)` for those.
    public func apply(to packet: UnsafeMutableRawBufferPointer) throws(SFUError) {
        _ = try apply(to: packet, length: packet.count)
    }
}
