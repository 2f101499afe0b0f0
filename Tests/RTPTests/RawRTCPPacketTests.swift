import Testing
@testable import RTP

@Suite("Unknown RTCP packets are kept raw")
struct RawRTCPPacketTests {
    static let extendedReport: [UInt8] = [
        0xA0, 0xCF, 0x00, 0x03,  // V=2 P=1 count 0 | PT=207 XR | length 3 → 16 bytes
        0x00, 0x00, 0x00, 0x09,  // SSRC
        0x04, 0x00, 0x00, 0x02,  // an XR block header (RRTR), then 2 bytes of it
        0xAB, 0xCD, 0x00, 0x02,  // ... and 2 bytes of RTCP padding
    ]

    @Test("bytes, padding included, are kept verbatim and written back verbatim")
    func verbatim() throws {
        let raw = try RawRTCPPacket(parsing: Self.extendedReport)
        #expect(raw.header == RTCPHeader(padding: true, count: 0, packetType: .extendedReport, length: 3))
        #expect(raw.bytes == Self.extendedReport)
        #expect(try raw.marshal() == Self.extendedReport)
        guard case .raw(let decoded) = try RTCPPacket(parsing: Self.extendedReport) else {
            Issue.record("XR should stay raw")
            return
        }
        #expect(decoded == raw)
    }

    @Test("a raw packet still has its header validated")
    func validated() {
        var bytes = Self.extendedReport
        bytes[15] = 0x0D  // padding longer than the body
        #expect(throws: RTCPError.badPadding(0x0D)) { try RawRTCPPacket(parsing: bytes) }
        #expect(throws: RTCPError.badLength(declared: 16, available: 20)) {
            try RawRTCPPacket(parsing: Self.extendedReport + [0, 0, 0, 0])
        }
    }

    @Test("no packet type can marshal past the 16-bit length field")
    func lengthFieldLimit() {
        let huge = ReceiverReport(ssrc: 1, profileExtensions: [UInt8](repeating: 0, count: 262_144))
        #expect(throws: RTCPError.valueOutOfRange("packet of 262152 bytes exceeds the length field")) { try huge.marshal() }
    }
}
