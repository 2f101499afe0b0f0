import Testing
@testable import RTP

@Suite("Sender report (RFC 3550 §6.4.1)")
struct SenderReportTests {
    /// The SR from Pion's sender_report_test.go "valid" case, re-annotated. Pion's copy says
    /// length 7, which does not match its 52 bytes (Pion does not check); 12 is the right value.
    static let bytes: [UInt8] = [
        0x81, 0xC8, 0x00, 0x0C,  // V=2 P=0 RC=1 | PT=200 | length 12 words → 52 bytes
        0x90, 0x2F, 0x9E, 0x2E,  // SSRC of sender
        0xDA, 0x8B, 0xD1, 0xFC,  // NTP timestamp, seconds
        0xDD, 0xDD, 0xA0, 0x5A,  // NTP timestamp, fraction
        0xAA, 0xF4, 0xED, 0xD5,  // RTP timestamp
        0x00, 0x00, 0x00, 0x01,  // packet count 1
        0x00, 0x00, 0x00, 0x02,  // octet count 2
        0xBC, 0x5E, 0x9A, 0x40,  // report block: SSRC
        0x00, 0x00, 0x00, 0x00,  //   fraction lost 0, cumulative lost 0
        0x00, 0x00, 0x46, 0xE1,  //   extended highest seq
        0x00, 0x00, 0x01, 0x11,  //   jitter 273
        0x09, 0xF3, 0x64, 0x32,  //   LSR
        0x00, 0x02, 0x4A, 0x79,  //   DLSR
    ]

    static let value = SenderReport(
        ssrc: 0x902F_9E2E, ntpTimestamp: 0xDA8B_D1FC_DDDD_A05A, rtpTimestamp: 0xAAF4_EDD5, packetCount: 1, octetCount: 2,
        reports: [ReportBlock(ssrc: 0xBC5E_9A40, extendedHighestSequenceNumber: 0x46E1, jitter: 273,
                              lastSenderReport: 0x09F3_6432, delaySinceLastSenderReport: 150_137)])

    @Test("parses the vector")
    func parse() throws {
        #expect(try SenderReport(parsing: Self.bytes) == Self.value)
    }

    @Test("marshals to the vector byte for byte")
    func marshal() throws {
        #expect(try Self.value.marshal() == Self.bytes)
        #expect(Self.value.marshalSize == 52)
    }

    @Test("compact NTP is the middle 32 bits, what receivers echo as LSR")
    func compactNTP() {
        #expect(Self.value.compactNTPTimestamp == 0xD1FC_DDDD)
    }

    @Test("profile extensions round-trip; an unaligned tail is rejected")
    func profileExtensions() throws {
        var report = Self.value
        report.profileExtensions = [1, 2, 3, 4]
        let bytes = try report.marshal()
        #expect(bytes[3] == 13)  // 56 bytes = 14 words
        #expect(try SenderReport(parsing: bytes) == report)
        report.profileExtensions = [1, 2]
        #expect(throws: RTCPError.valueOutOfRange("profile extensions not word-aligned")) { try report.marshal() }
    }

    @Test("rejects RC beyond the body, the wrong type, and a length past the buffer")
    func malformed() {
        var bytes = Self.bytes
        bytes[0] = 0x82  // RC=2 but only one block
        #expect(throws: RTCPError.badCount(2)) { try SenderReport(parsing: bytes) }
        bytes = Self.bytes
        bytes[1] = 201
        #expect(throws: RTCPError.wrongType(packetType: 201, format: 1)) { try SenderReport(parsing: bytes) }
        bytes = Self.bytes
        bytes[3] = 0x0B
        #expect(throws: RTCPError.badLength(declared: 48, available: 52)) { try SenderReport(parsing: bytes) }
        #expect(throws: RTCPError.truncated(needed: 4, have: 0)) { try SenderReport(parsing: []) }
    }

    @Test("more than 31 report blocks cannot be marshaled")
    func tooManyBlocks() {
        var report = Self.value
        report.reports = Array(repeating: ReportBlock(ssrc: 1), count: 32)
        #expect(throws: RTCPError.valueOutOfRange("32 report blocks, at most 31")) { try report.marshal() }
    }
}
