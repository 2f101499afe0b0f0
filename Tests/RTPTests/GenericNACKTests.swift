import Testing
@testable import RTP

@Suite("Generic NACK (RFC 4585 §6.2.1)")
struct GenericNACKTests {
    static let bytes: [UInt8] = [
        0x81, 0xCD, 0x00, 0x04,  // V=2 P=0 FMT=1 | PT=205 RTPFB | length 4 → 20 bytes
        0x00, 0x00, 0x00, 0x01,  // SSRC of packet sender
        0x00, 0x00, 0x00, 0x02,  // SSRC of media source
        0x00, 0x64, 0x00, 0x05,  // PID 100, BLP 0b101: 101 and 103 lost too
        0xFF, 0xFF, 0x80, 0x00,  // PID 65535, BLP bit 15: 65535+16 = 15 (wraps)
    ]

    @Test("expands PID+BLP pairs to lost sequence numbers, across the wrap")
    func expand() throws {
        let nack = try GenericNACK(parsing: Self.bytes)
        #expect(nack.senderSSRC == 1 && nack.mediaSSRC == 2)
        #expect(nack.pairs == [.init(packetID: 100, lostBitmask: 0x0005), .init(packetID: 65535, lostBitmask: 0x8000)])
        #expect(nack.lostSequenceNumbers == [100, 101, 103, 65535, 15])
    }

    @Test("builds the same pairs from the list of lost sequence numbers")
    func build() throws {
        let nack = GenericNACK(senderSSRC: 1, mediaSSRC: 2, lostSequenceNumbers: [100, 101, 103, 65535, 15])
        #expect(try nack.marshal() == Self.bytes)
    }

    @Test("packing: duplicates collapse, a gap over 16 starts a new pair")
    func packing() {
        let nack = GenericNACK(senderSSRC: 0, mediaSSRC: 0, lostSequenceNumbers: [1, 1, 17, 18, 40])
        #expect(nack.pairs == [.init(packetID: 1, lostBitmask: 0x8000), .init(packetID: 18, lostBitmask: 0),
                               .init(packetID: 40, lostBitmask: 0)])
        let all = Array(UInt16(500)...UInt16(600))
        #expect(GenericNACK(senderSSRC: 0, mediaSSRC: 0, lostSequenceNumbers: all).lostSequenceNumbers == all)
    }

    @Test("a NACK without pairs or with a ragged FCI is rejected")
    func malformed() {
        #expect(throws: RTCPError.badLength(declared: 8, available: 12)) {
            try GenericNACK(parsing: [0x81, 0xCD, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2])
        }
        #expect(throws: RTCPError.valueOutOfRange("a NACK needs at least one pair")) {
            try GenericNACK(senderSSRC: 1, mediaSSRC: 2, pairs: []).marshal()
        }
        var bytes = Self.bytes
        bytes[0] = 0x82  // FMT 2 is not a generic NACK
        #expect(throws: RTCPError.wrongType(packetType: 205, format: 2)) { try GenericNACK(parsing: bytes) }
    }
}
