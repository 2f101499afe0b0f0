import RTP

/// Turns an RFC 4588 retransmission back into the original media packet, in place.
///
/// ```
/// RTX packet:   [RTP header: rtx SSRC, rtx PT, rtx seq] [OSN: 16 bits] [original payload] [padding]
/// media packet: [RTP header: SSRC,     PT,     OSN    ]                [original payload] [padding]
/// ```
/// The header is moved two bytes towards the payload, over the OSN, so the result is a suffix of
/// the same buffer: no copy of the payload and no allocation. RTX packets without an OSN are the
/// padding-only probes senders use to measure bandwidth; they carry no media and are rejected.
public enum RTXDecoder {
    /// Rewrites the RTX packet in `packet` (parsed as `header`) into the media packet it repairs
    /// and returns the bytes it now occupies (a suffix of `packet`).
    public static func decapsulate(_ packet: UnsafeMutableRawBufferPointer, header: RTPHeader, mediaSSRC: UInt32,
                                   mediaPayloadType: UInt8) throws(SFUError) -> UnsafeMutableRawBufferPointer {
        let headerLength = header.headerLength
        guard header.payloadRange.count >= 2, packet.count >= headerLength + 2 else {
            throw .rtxWithoutOriginalSequenceNumber
        }
        guard mediaPayloadType <= 0x7F else { throw .invalidConfiguration("payload type over 127") }
        let original = UInt16(packet[headerLength]) << 8 | UInt16(packet[headerLength + 1])
        guard let base = packet.baseAddress else { throw .rtxWithoutOriginalSequenceNumber }
        // Overlapping move (memmove semantics): the header slides forward over the OSN.
        (base + 2).copyMemory(from: base, byteCount: headerLength)
        let media = UnsafeMutableRawBufferPointer(rebasing: packet[2...])
        media[1] = media[1] & 0x80 | mediaPayloadType
        media[2] = UInt8(truncatingIfNeeded: original >> 8)
        media[3] = UInt8(truncatingIfNeeded: original)
        media[8] = UInt8(truncatingIfNeeded: mediaSSRC >> 24)
        media[9] = UInt8(truncatingIfNeeded: mediaSSRC >> 16)
        media[10] = UInt8(truncatingIfNeeded: mediaSSRC >> 8)
        media[11] = UInt8(truncatingIfNeeded: mediaSSRC)
        return media
    }
}
