import Testing
@testable import RTP

@Suite("Picture loss indication (RFC 4585 §6.3.1)")
struct PictureLossIndicationTests {
    static let bytes: [UInt8] = [
        0x81, 0xCE, 0x00, 0x02,  // V=2 P=0 FMT=1 | PT=206 PSFB | length 2 → 12 bytes
        0x00, 0x00, 0x00, 0x01,  // SSRC of packet sender
        0x4B, 0xC4, 0xFC, 0xB4,  // SSRC of media source
    ]

    @Test("parses and marshals the vector")
    func vector() throws {
        let pli = PictureLossIndication(senderSSRC: 1, mediaSSRC: 0x4BC4_FCB4)
        #expect(try PictureLossIndication(parsing: Self.bytes) == pli)
        #expect(try pli.marshal() == Self.bytes)
    }

    @Test("RTCP padding is stripped; a bad padding count is rejected")
    func padding() throws {
        let padded: [UInt8] = [0xA1, 0xCE, 0x00, 0x03] + Self.bytes[4...] + [0x00, 0x00, 0x00, 0x04]
        #expect(try PictureLossIndication(parsing: padded).mediaSSRC == 0x4BC4_FCB4)
        var bad = padded
        bad[15] = 0
        #expect(throws: RTCPError.badPadding(0)) { try PictureLossIndication(parsing: bad) }
        bad[15] = 13
        #expect(throws: RTCPError.badPadding(13)) { try PictureLossIndication(parsing: bad) }
    }

    @Test("a PLI with extra FCI bytes or the wrong FMT is rejected")
    func malformed() {
        let long: [UInt8] = [0x81, 0xCE, 0x00, 0x03] + Self.bytes[4...] + [0, 0, 0, 0]
        #expect(throws: RTCPError.badLength(declared: 12, available: 8)) { try PictureLossIndication(parsing: long) }
        var bytes = Self.bytes
        bytes[0] = 0x84
        #expect(throws: RTCPError.wrongType(packetType: 206, format: 4)) { try PictureLossIndication(parsing: bytes) }
    }
}
