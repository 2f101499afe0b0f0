/// Turns a retransmission into an RFC 4588 RTX packet for a viewer that negotiated RTX: the RTX
/// SSRC and payload type, a sequence number from the RTX stream's own space, and the original
/// (viewer-side) sequence number as the OSN in front of the payload. The timestamp is kept.
public struct RTXEncoder: Sendable, Equatable {
    public let ssrc: UInt32
    public let payloadType: UInt8
    /// The RTX sequence number the next retransmission gets.
    public private(set) var nextSequenceNumber: UInt16
    /// RTX packets produced (the RTX stream's packet count).
    public private(set) var packetCount: UInt64 = 0

    public init(ssrc: UInt32, payloadType: UInt8, initialSequenceNumber: UInt16 = 0) {
        self.ssrc = ssrc
        self.payloadType = payloadType
        self.nextSequenceNumber = initialSequenceNumber
    }

    /// The RTX form of `rewrite` (which must be the media rewrite the packet was first sent with).
    public mutating func encode(_ rewrite: RTPRewrite) -> RTPRewrite {
        var out = rewrite
        out.ssrc = ssrc
        out.payloadType = payloadType
        out.sequenceNumber = nextSequenceNumber
        out.rtxOriginalSequenceNumber = rewrite.sequenceNumber
        nextSequenceNumber &+= 1
        packetCount += 1
        return out
    }

    /// The header of a padding-only RTX packet (a bandwidth probe) with the next RTX sequence
    /// number; `timestamp` should be the media stream's latest, as libwebrtc's probes carry.
    public mutating func padding(timestamp: UInt32) -> RTPRewrite {
        let out = RTPRewrite(ssrc: ssrc, sequenceNumber: nextSequenceNumber, timestamp: timestamp,
                             payloadType: payloadType, marker: false)
        nextSequenceNumber &+= 1
        packetCount += 1
        return out
    }
}
