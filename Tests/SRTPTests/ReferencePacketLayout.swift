// RTP/RTCP header fields the SRTP reference needs (RFC 3550 §5.1, §6.4.1), read independently of
// the SRTP module's own header checks.

enum ReferencePacketLayout {
    /// Bytes of RTP header (fixed header, CSRCs, header extension) before the payload, which
    /// is where SRTP encryption starts (RFC 3711 §3.1) and what GCM authenticates (RFC 7714 §8.2).
    static func rtpHeaderLength(_ packet: [UInt8]) throws -> Int {
        guard packet.count >= 12, packet[0] >> 6 == 2 else {
            throw ReferencePrimitiveError(description: "not an RTP packet")
        }
        var length = 12 + 4 * Int(packet[0] & 0x0F)
        if packet[0] & 0x10 != 0 {
            guard length + 4 <= packet.count else { throw ReferencePrimitiveError(description: "extension header cut") }
            length += 4 + 4 * (Int(packet[length + 2]) << 8 | Int(packet[length + 3]))
        }
        guard length <= packet.count else { throw ReferencePrimitiveError(description: "RTP header overruns packet") }
        return length
    }

    static func rtpSequenceNumber(_ packet: [UInt8]) throws -> UInt16 {
        guard packet.count >= 12 else { throw ReferencePrimitiveError(description: "RTP packet too short") }
        return UInt16(packet[2]) << 8 | UInt16(packet[3])
    }

    /// The RTP SSRC (bytes 8..<12).
    static func rtpSSRC(_ packet: [UInt8]) throws -> UInt32 {
        guard packet.count >= 12 else { throw ReferencePrimitiveError(description: "RTP packet too short") }
        return bigEndian(packet[8..<12])
    }

    /// The RTCP sender SSRC (bytes 4..<8), which keys SRTCP's IV (RFC 3711 §4.1.1).
    static func rtcpSSRC(_ packet: [UInt8]) throws -> UInt32 {
        guard packet.count >= 8, packet[0] >> 6 == 2 else { throw ReferencePrimitiveError(description: "not an RTCP packet") }
        return bigEndian(packet[4..<8])
    }

    static func bigEndian(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }

    static func bytes(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static func xor(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        zip(a, b).map { $0 ^ $1 }
    }
}
