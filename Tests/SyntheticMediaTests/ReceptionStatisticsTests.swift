import RTP
import Testing
@testable import SyntheticMedia

@Suite("Reception statistics for receiver reports")
struct ReceptionStatisticsTests {
    @Test("extended highest sequence number across a wrap, cumulative and interval loss, LSR echoed with DLSR in 1/65536 s")
    func reportBlock() {
        var stats = ReceptionStatistics()
        // 65530...65535, 0...9 with 3 and 4 missing: 16 expected, 14 received.
        for s in [UInt16](65_530...65_535) + [0, 1, 2, 5, 6, 7, 8, 9] { stats.record(sequenceNumber: s) }
        stats.recordSenderReport(compactNTP: 0xABCD_1234, at: .seconds(10))
        let first = stats.reportBlock(ssrc: 42, at: .seconds(10) + .milliseconds(500))
        #expect(first.ssrc == 42)
        #expect(first.extendedHighestSequenceNumber == 0x0001_0009)
        #expect(first.cumulativeLost == 2)
        #expect(first.fractionLost == UInt8(2 * 256 / 16))
        #expect(first.lastSenderReport == 0xABCD_1234)
        #expect(first.delaySinceLastSenderReport == 32_768)
        // The next interval: 10 more, none lost; a duplicate does not make loss negative.
        for s in UInt16(10)..<20 { stats.record(sequenceNumber: s) }
        stats.record(sequenceNumber: 19)
        let second = stats.reportBlock(ssrc: 42, at: .seconds(11))
        #expect(second.fractionLost == 0 && second.cumulativeLost == 1)
        #expect(second.extendedHighestSequenceNumber == 0x0001_0013)
    }
}
