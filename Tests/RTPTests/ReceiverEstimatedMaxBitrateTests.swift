import Testing
@testable import RTP

@Suite("REMB (draft-alvestrand-rmcat-remb)")
struct ReceiverEstimatedMaxBitrateTests {
    /// Chrome's REMB while watching a 6 Mb/s stream (the vector in Pion's REMB tests).
    static let bytes: [UInt8] = [
        0x8F, 0xCE, 0x00, 0x05,  // V=2 P=0 FMT=15 | PT=206 PSFB | length 5 → 24 bytes
        0x00, 0x00, 0x00, 0x01,  // SSRC of packet sender
        0x00, 0x00, 0x00, 0x00,  // SSRC of media source: 0
        0x52, 0x45, 0x4D, 0x42,  // "REMB"
        0x01,                    // Num SSRC 1
        0x1A, 0x20, 0xDF,        // exp 6 (0x1A >> 2), mantissa 0x220DF = 139487
        0x48, 0x74, 0xED, 0x16,  // SSRC feedback
    ]

    @Test("bitrate = mantissa × 2^exp = 139487 × 64")
    func parse() throws {
        let remb = try ReceiverEstimatedMaxBitrate(parsing: Self.bytes)
        #expect(remb.exponent == 6 && remb.mantissa == 139_487)
        #expect(remb.bitrate == 8_927_168)
        #expect(remb.ssrcs == [0x4874_ED16])
        #expect(try remb.marshal() == Self.bytes)
    }

    @Test("encoding a bitrate picks the smallest exponent and rounds down")
    func encode() throws {
        let exact = ReceiverEstimatedMaxBitrate(senderSSRC: 1, bitrate: 8_927_168, ssrcs: [0x4874_ED16])
        #expect(try exact.marshal() == Self.bytes)
        let lower = ReceiverEstimatedMaxBitrate(senderSSRC: 1, bitrate: 8_927_167, ssrcs: [])
        #expect(lower.exponent == 6 && lower.mantissa == 139_486)
        #expect(lower.bitrate == 8_927_104)
        let small = ReceiverEstimatedMaxBitrate(senderSSRC: 1, bitrate: 0x3FFFF, ssrcs: [])
        #expect(small.exponent == 0 && small.mantissa == 0x3FFFF)
    }

    @Test("exponents past 64 bits saturate instead of trapping")
    func saturation() throws {
        var bytes: [UInt8] = [0x8F, 0xCE, 0x00, 0x04, 0, 0, 0, 1, 0, 0, 0, 0, 0x52, 0x45, 0x4D, 0x42, 0x00, 0xFF, 0xFF, 0xFF]
        let huge = try ReceiverEstimatedMaxBitrate(parsing: bytes)
        #expect(huge.exponent == 63 && huge.mantissa == 0x3FFFF)
        #expect(huge.bitrate == .max)
        #expect(try huge.marshal() == bytes)
        bytes[17] = 0xB8  // exp 46, mantissa 0: zero whatever the exponent
        bytes[18] = 0
        bytes[19] = 0
        #expect(try ReceiverEstimatedMaxBitrate(parsing: bytes).bitrate == 0)
    }

    @Test("a wrong identifier or SSRC count is rejected")
    func malformed() {
        var bytes = Self.bytes
        bytes[12] = 0x41
        #expect(throws: RTCPError.badUniqueIdentifier) { try ReceiverEstimatedMaxBitrate(parsing: bytes) }
        bytes = Self.bytes
        bytes[16] = 2
        #expect(throws: RTCPError.badCount(2)) { try ReceiverEstimatedMaxBitrate(parsing: bytes) }
    }
}
