import Testing
@testable import RTP

@Suite("Full intra request (RFC 5104 §4.3.1)")
struct FullIntraRequestTests {
    static let bytes: [UInt8] = [
        0x84, 0xCE, 0x00, 0x06,  // V=2 P=0 FMT=4 | PT=206 PSFB | length 6 → 28 bytes
        0x00, 0x00, 0x00, 0x01,  // SSRC of packet sender
        0x00, 0x00, 0x00, 0x00,  // SSRC of media source: unused, 0
        0x12, 0x34, 0x56, 0x78,  // FCI 1: SSRC
        0x07, 0x00, 0x00, 0x00,  //   seq nr 7, reserved
        0x9A, 0xBC, 0xDE, 0xF0,  // FCI 2: SSRC
        0xFF, 0x00, 0x00, 0x00,  //   seq nr 255, reserved
    ]

    static let value = FullIntraRequest(senderSSRC: 1, entries: [
        .init(ssrc: 0x1234_5678, sequenceNumber: 7), .init(ssrc: 0x9ABC_DEF0, sequenceNumber: 255),
    ])

    @Test("parses and marshals the vector")
    func vector() throws {
        #expect(try FullIntraRequest(parsing: Self.bytes) == Self.value)
        #expect(try Self.value.marshal() == Self.bytes)
    }

    @Test("needs whole 8-byte entries and at least one")
    func malformed() {
        #expect(throws: RTCPError.badLength(declared: 8, available: 12)) {
            try FullIntraRequest(parsing: [0x84, 0xCE, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 0])
        }
        #expect(throws: RTCPError.badLength(declared: 12, available: 16)) {
            try FullIntraRequest(parsing: [0x84, 0xCE, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4])
        }
        #expect(throws: RTCPError.valueOutOfRange("a FIR needs at least one entry")) {
            try FullIntraRequest(senderSSRC: 1, entries: []).marshal()
        }
    }
}
