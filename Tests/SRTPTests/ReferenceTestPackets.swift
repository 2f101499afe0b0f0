// Plaintext RTP and RTCP packets that both the AES-CM and the GCM reference comparisons send
// through an SRTPSession, chosen to reach the parts of the transforms that differ by packet:
// CSRCs and a header extension (where encryption starts, what GCM authenticates), odd payload
// lengths (partial keystream blocks), and a sequence-number wrap (the ROC in IV and tag).

enum ReferenceTestPackets {
    static let hex = SRTPVectors.hex

    /// RFC 7714 §16.1.1's RTP packet: SSRC 0x5501a0b2, sequence number 0xf17b.
    static let rfc7714RTP = hex("""
        8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973
        20646976 69736120 696e2070 61727465 73207472 6573
        """)

    /// RFC 7714 §17.1's RTCP packet: a sender report from SSRC 0x4d617273.
    static let rfc7714RTCP = hex("""
        81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61
        deadbeef deadbeef deadbeef deadbeef deadbeef
        """)

    /// V=2, X=1, CC=2, PT 96: two CSRCs and a two-word one-byte-header extension (RFC 8285)
    /// before a 37-byte payload.
    static let csrcsAndExtension: [UInt8] = hex("""
        92600102 00003039 deadbeef 11111111 22222222
        bede0002 10ff2207 08090000
        """) + (0..<37).map { UInt8(0xC0 &+ $0) }

    static func rtp(seq: UInt16, ssrc: UInt32, payload: Int) -> [UInt8] {
        [0x80, 0x08, UInt8(seq >> 8), UInt8(seq & 0xFF), 0x00, 0x01, 0xE2, 0x40]
            + ReferencePacketLayout.bytes(ssrc) + (0..<payload).map { UInt8(truncatingIfNeeded: Int(seq) &* 7 &+ $0) }
    }

    /// Packets in sending order with the rollover counter each is protected under: three
    /// SSRCs, and for 0x0badcafe a wrap of the sequence number from 0xffff to 0 (ROC 0 -> 1).
    static let rtpRun: [(packet: [UInt8], roc: UInt32)] = [
        (rfc7714RTP, 0),
        (csrcsAndExtension, 0),
        (rtp(seq: 0xFFFE, ssrc: 0x0BAD_CAFE, payload: 160), 0),
        (rtp(seq: 0xFFFF, ssrc: 0x0BAD_CAFE, payload: 1), 0),
        (rtp(seq: 0x0000, ssrc: 0x0BAD_CAFE, payload: 17), 1),
        (rtp(seq: 0x0001, ssrc: 0x0BAD_CAFE, payload: 1_200), 1),
        (rtp(seq: 0xF17C, ssrc: 0x5501_A0B2, payload: 15), 0),
    ]

    /// RTCP compounds for the SRTCP comparisons: RFC 7714's sender report, a receiver report
    /// with one report block, and an odd-length-payload SDES-style packet from another SSRC.
    static let rtcpRun: [[UInt8]] = [
        rfc7714RTCP,
        hex("81c90007 4d617273 5501a0b2 00000000 0000f17b 00000010 00000000 00000000"),
        hex("81ca0003 0badcafe 0105616c 69636500"),
    ]
}
