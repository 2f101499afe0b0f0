import Testing
@testable import RTP

@Suite("Opus TOC (RFC 6716 §3.1)")
struct OpusTOCTests {
    @Test("config, stereo, frame count and DTX", arguments: [
        // bytes, config, stereo, frames, DTX, frame duration
        ([UInt8]([0x78]), UInt8(15), false, 1, true, Duration.milliseconds(20)),  // hybrid FB 20 ms, TOC only: DTX
        ([0xFC, 0xFF, 0xFE], 31, true, 1, false, .milliseconds(20)),               // CELT FB 20 ms stereo
        ([0x4B, 0x03, 0x00, 0x00], 9, false, 3, false, .milliseconds(20)),         // SILK WB 20 ms, code 3, M=3
        ([0x81, 0x11, 0x22], 16, false, 2, false, .microseconds(2500)),            // CELT NB 2.5 ms, code 1
        ([0x0A, 0x00], 1, false, 2, true, .milliseconds(20)),                      // SILK NB, code 2, 2 bytes: DTX
    ])
    func toc(bytes: [UInt8], configuration: UInt8, stereo: Bool, frames: Int, dtx: Bool, frameDuration: Duration) throws {
        let toc = try OpusTOC(parsing: bytes)
        #expect(toc.configuration == configuration)
        #expect(toc.isStereo == stereo)
        #expect(toc.frameCount == frames)
        #expect(toc.isDTX == dtx)
        #expect(toc.frameDuration == frameDuration)
    }

    @Test("mode and bandwidth follow the configuration table")
    func modes() throws {
        #expect(try OpusTOC(parsing: [0x00, 1, 2]).mode == .silk)
        #expect(try OpusTOC(parsing: [0x00, 1, 2]).bandwidth == .narrowband)
        #expect(try OpusTOC(parsing: [0x60, 1, 2]).mode == .hybrid)          // config 12
        #expect(try OpusTOC(parsing: [0x60, 1, 2]).bandwidth == .superWideband)
        #expect(try OpusTOC(parsing: [0xB8, 1, 2]).bandwidth == .wideband)   // config 23: CELT WB
        #expect(try OpusTOC(parsing: [0x4B, 0x03, 0]).duration == .milliseconds(60))
    }

    @Test("malformed TOCs are typed errors")
    func malformed() {
        #expect(throws: RTPError.truncated(needed: 1, have: 0)) { try OpusTOC(parsing: []) }
        #expect(throws: RTPError.truncated(needed: 2, have: 1)) { try OpusTOC(parsing: [0x03]) }
        #expect(throws: RTPError.badPayload("Opus code 3 packet with 0 frames")) { try OpusTOC(parsing: [0x03, 0x00]) }
        // SILK 60 ms × 3 frames = 180 ms > 120 ms.
        #expect(throws: RTPError.badPayload("Opus packet over 120 ms")) { try OpusTOC(parsing: [0x5B, 0x03, 0x00]) }
    }
}
