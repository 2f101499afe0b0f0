import Testing
@testable import RTP

@Suite("Report block (RFC 3550 §6.4.1)")
struct ReportBlockTests {
    static let bytes: [UInt8] = [
        0xBC, 0x5E, 0x9A, 0x40,  // SSRC of source
        0x1A, 0xFF, 0xFF, 0xFE,  // fraction lost 26/256 | cumulative lost -2 (24-bit two's complement)
        0x00, 0x01, 0x46, 0xE1,  // extended highest seq: 1 cycle, seq 0x46E1
        0x00, 0x00, 0x01, 0x11,  // jitter 273
        0x09, 0xF3, 0x64, 0x32,  // LSR
        0x00, 0x02, 0x4A, 0x79,  // DLSR 150137 / 65536 s
    ]

    @Test("parses every field, sign-extending cumulative lost")
    func parse() throws {
        let block = try withBuffer(Self.bytes) { (buffer) throws(RTCPError) in try ReportBlock(parsing: buffer) }
        #expect(block == ReportBlock(ssrc: 0xBC5E_9A40, fractionLost: 26, cumulativeLost: -2,
                                     extendedHighestSequenceNumber: 0x0001_46E1, jitter: 273,
                                     lastSenderReport: 0x09F3_6432, delaySinceLastSenderReport: 150_137))
    }

    @Test("cumulative lost covers the signed 24-bit range and nothing more")
    func cumulativeLostRange() throws {
        for lost: Int32 in [0, 1, -1, 0x7F_FFFF, -0x80_0000] {
            let report = ReceiverReport(ssrc: 1, reports: [ReportBlock(ssrc: 2, cumulativeLost: lost)])
            #expect(try ReceiverReport(parsing: report.marshal()).reports.first?.cumulativeLost == lost)
        }
        let tooBig = ReceiverReport(ssrc: 1, reports: [ReportBlock(ssrc: 2, cumulativeLost: 0x80_0000)])
        #expect(throws: RTCPError.valueOutOfRange("cumulative lost 8388608 does not fit 24 bits")) {
            try tooBig.marshal()
        }
    }

    @Test("a block must be exactly 24 bytes")
    func wrongSize() {
        #expect(throws: RTCPError.badLength(declared: 24, available: 23)) {
            try withBuffer(Array(Self.bytes.dropLast())) { (buffer) throws(RTCPError) in try ReportBlock(parsing: buffer) }
        }
    }
}
