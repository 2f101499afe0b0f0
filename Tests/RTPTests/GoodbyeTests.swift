import Testing
@testable import RTP

@Suite("Goodbye (RFC 3550 §6.6)")
struct GoodbyeTests {
    static let bytes: [UInt8] = [
        0x82, 0xCB, 0x00, 0x05,  // V=2 P=0 SC=2 | PT=203 | length 5 → 24 bytes
        0x12, 0x34, 0x56, 0x78,  // SSRC 1
        0x9A, 0xBC, 0xDE, 0xF0,  // SSRC 2
        0x0A,                    // reason length 10
        0x63, 0x61, 0x6D, 0x65, 0x72, 0x61, 0x20, 0x6F, 0x66, 0x66,  // "camera off"
        0x00,                    // padding to 32 bits
    ]

    @Test("two sources and a reason")
    func vector() throws {
        let bye = Goodbye(sources: [0x1234_5678, 0x9ABC_DEF0], reason: "camera off")
        #expect(try Goodbye(parsing: Self.bytes) == bye)
        #expect(try Goodbye(parsing: Self.bytes).reasonText == "camera off")
        #expect(try bye.marshal() == Self.bytes)
    }

    @Test("without a reason it is just the sources")
    func noReason() throws {
        let bye = Goodbye(sources: [1])
        #expect(try bye.marshal() == [0x81, 0xCB, 0x00, 0x01, 0, 0, 0, 1])
        #expect(try Goodbye(parsing: bye.marshal()) == bye)
    }

    @Test("a reason longer than its packet, or bytes past its padding, is rejected")
    func malformed() {
        var bytes = Self.bytes
        bytes[12] = 0x0C
        #expect(throws: RTCPError.truncated(needed: 21, have: 20)) { try Goodbye(parsing: bytes) }
        bytes = Self.bytes
        bytes[12] = 0x02  // leaves 8 bytes after the reason
        #expect(throws: RTCPError.badLength(declared: 20, available: 11)) { try Goodbye(parsing: bytes) }
        bytes = Self.bytes
        bytes[0] = 0x87  // SC=7 needs 28 bytes of sources
        #expect(throws: RTCPError.badCount(7)) { try Goodbye(parsing: bytes) }
    }
}
