import RTP
import Testing
@testable import SyntheticMedia

@Suite("Reception statistics for receiver reports")
struct ReceptionStatisticsTests {
    @Test("extended highest sequence number across a wrap, cumulative and interval loss, LSR echoed with DLSR in 1/65536 s")
    func reportBlock() {
        var stats = ReceptionStatistics()
        // 65530...65535, 0...9 with 3 and 4 missing: 16 expected, 14 received.
        for s in [UInt16](65_530...65_535) + [0, 1, 2, 5, 6, 7, 8, 9] { stats.record(sequenceNumber: s, timestamp: 0, arrival: .zero) }
        stats.recordSenderReport(compactNTP: 0xABCD_1234, at: .seconds(10))
        let first = stats.reportBlock(ssrc: 42, at: .seconds(10) + .milliseconds(500))
        #expect(first.ssrc == 42)
        #expect(first.extendedHighestSequenceNumber == 0x0001_0009)
        #expect(first.cumulativeLost == 2)
        #expect(first.fractionLost == UInt8(2 * 256 / 16))
        #expect(first.lastSenderReport == 0xABCD_1234)
        #expect(first.delaySinceLastSenderReport == 32_768)
        // The next interval: 10 more, none lost; a duplicate does not make loss negative.
        for s in UInt16(10)..<20 { stats.record(sequenceNumber: s, timestamp: 0, arrival: .zero) }
        stats.record(sequenceNumber: 19, timestamp: 0, arrival: .zero)
        let second = stats.reportBlock(ssrc: 42, at: .seconds(11))
        #expect(second.fractionLost == 0 && second.cumulativeLost == 1)
        #expect(second.extendedHighestSequenceNumber == 0x0001_0013)
    }

    @Test("interarrival jitter (RFC 3550 A.8): zero on a steady path, J = J + (|D| - J)/16 per packet, across a timestamp wrap")
    func jitter() {
        // 90 kHz video, a frame every 3,000 units (33.3 ms), arriving exactly on time: no jitter,
        // also across the 32-bit timestamp wrap.
        var steady = ReceptionStatistics(clockRate: 90_000)
        let start = UInt32.max - 3_000 * 5
        for i in 0..<20 {
            steady.record(sequenceNumber: UInt16(i), timestamp: start &+ UInt32(i) * 3_000,
                          arrival: .seconds(100) + .microseconds(Int64(i) * 100_000 / 3))
        }
        #expect(steady.jitter <= 1)

        // Every other packet 10 ms late: |D| = 900 units each time after the first; J follows
        // the recurrence exactly (kept ×16 in integers, as A.8 does).
        var late = ReceptionStatistics(clockRate: 90_000)
        var expected = 0.0
        for i in 0..<200 {
            let delay: Int64 = i % 2 == 1 ? 10_000 : 0
            late.record(sequenceNumber: UInt16(i), timestamp: UInt32(i) * 3_000,
                        arrival: .microseconds(Int64(i) * 100_000 / 3 + delay))
            if i > 0 { expected += (900 - expected) / 16 }
        }
        #expect(abs(Double(late.jitter) - expected) <= 2, "\(late.jitter) vs \(expected)")
        #expect(abs(late.jitterMilliseconds - 10) < 0.1)
        #expect(late.reportBlock(ssrc: 1, at: .seconds(10)).jitter == late.jitter)

        // A retransmission (an old sequence number arriving late) does not count as jitter.
        var repaired = ReceptionStatistics(clockRate: 48_000)
        for i in 0..<50 where i != 10 {
            repaired.record(sequenceNumber: UInt16(i), timestamp: UInt32(i) * 960, arrival: .milliseconds(Int64(i) * 20))
        }
        repaired.record(sequenceNumber: 10, timestamp: 9_600, arrival: .milliseconds(49 * 20 + 150))
        #expect(repaired.jitter == 0)
    }
}
