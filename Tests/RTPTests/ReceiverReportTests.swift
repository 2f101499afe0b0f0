import Testing
@testable import RTP

@Suite("Receiver report (RFC 3550 §6.4.2)")
struct ReceiverReportTests {
    static let bytes: [UInt8] = [
        0x81, 0xC9, 0x00, 0x07,  // V=2 P=0 RC=1 | PT=201 | length 7 → 32 bytes
        0x90, 0x2F, 0x9E, 0x2E,  // SSRC of packet sender
        0xBC, 0x5E, 0x9A, 0x40,  // report block: SSRC of source
        0x1A, 0xFF, 0xFF, 0xFE,  //   fraction lost 26, cumulative lost -2
        0x00, 0x01, 0x46, 0xE1,  //   extended highest seq (cycle 1)
        0x00, 0x00, 0x01, 0x11,  //   jitter 273
        0x09, 0xF3, 0x64, 0x32,  //   LSR
        0x00, 0x02, 0x4A, 0x79,  //   DLSR
    ]

    static let value = ReceiverReport(ssrc: 0x902F_9E2E, reports: [
        ReportBlock(ssrc: 0xBC5E_9A40, fractionLost: 26, cumulativeLost: -2, extendedHighestSequenceNumber: 0x0001_46E1,
                    jitter: 273, lastSenderReport: 0x09F3_6432, delaySinceLastSenderReport: 150_137),
    ])

    @Test("parses and marshals the vector")
    func vector() throws {
        #expect(try ReceiverReport(parsing: Self.bytes) == Self.value)
        #expect(try Self.value.marshal() == Self.bytes)
    }

    @Test("an empty RR (no blocks) is 8 bytes")
    func empty() throws {
        let report = ReceiverReport(ssrc: 5)
        #expect(try report.marshal() == [0x80, 0xC9, 0x00, 0x01, 0x00, 0x00, 0x00, 0x05])
        #expect(try ReceiverReport(parsing: report.marshal()) == report)
    }

    @Test("round trip with several blocks and extensions")
    func roundTrip() throws {
        let report = ReceiverReport(ssrc: 9, reports: (0..<31).map { ReportBlock(ssrc: UInt32($0), jitter: UInt32($0 * 3)) },
                                    profileExtensions: [0xDE, 0xAD, 0xBE, 0xEF])
        #expect(try ReceiverReport(parsing: report.marshal()) == report)
    }

    @Test("RC larger than the body is an error")
    func badCount() {
        var bytes = Self.bytes
        bytes[0] = 0x83
        #expect(throws: RTCPError.badCount(3)) { try ReceiverReport(parsing: bytes) }
    }
}
