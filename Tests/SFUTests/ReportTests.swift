import RTP
import SFU
import Testing

@Suite("Receiver statistics, keyframe requests, sender report rewriting")
struct ReportTests {
    @Test("RR block: loss, fraction lost, jitter and extended highest match the hand computation")
    func receiverReport() {
        var statistics = ReceiveStreamStatistics(clockRate: 48_000)
        // Packets 0...9 (wire 65533 ... 65542, across the wrap); 3 and 7 lost. 960 ticks apart,
        // sent every 20 ms; odd ones arrive 5 ms (240 ticks) late.
        for index in 0..<10 where index != 3 && index != 7 {
            let late = index % 2 == 1 ? 5 : 0
            var packet = TestPackets.incoming(65_533 + Int64(index), ts: Int64(index * 960), at: Int64(index * 20 + late))
            packet.payloadType = 111
            statistics.record(packet)
        }
        // Hand computation, RFC 3550 A.8 integer form J16 += |D| − ((J16 + 8) >> 4), with |D| for
        // the consecutive received pairs (0,1) (1,2) (2,4) (4,5) (5,6) (6,8) (8,9) = 240 240 0 240 240 0 240:
        // 240, 465, 436, 649, 848, 795, 985 → jitter = 985 >> 4 = 61 (the real-valued estimate is 61.6).
        let ntp: UInt64 = 0xAAAA_BBBB_CCCC_DDDD
        statistics.recordSenderReport(compactNTP: UInt32(truncatingIfNeeded: ntp >> 16), at: .seconds(1000) + .milliseconds(100))
        let block = statistics.makeReportBlock(ssrc: 0x77, at: .seconds(1001) + .milliseconds(600))
        #expect(block.ssrc == 0x77)
        #expect(block.cumulativeLost == 2)
        #expect(block.fractionLost == 51)          // 2/10 × 256 = 51.2
        #expect(block.extendedHighestSequenceNumber == 65_542)  // 1 cycle << 16 | 6
        #expect(block.jitter == 61)
        #expect(block.lastSenderReport == 0xBBBB_CCCC)
        #expect(block.delaySinceLastSenderReport == 98_304)     // 1.5 s × 65536

        // Next interval: 10 more, none lost: fraction 0, cumulative unchanged.
        for index in 10..<20 {
            statistics.record(TestPackets.incoming(65_533 + Int64(index), ts: Int64(index * 960), at: Int64(index * 20)))
        }
        let second = statistics.makeReportBlock(ssrc: 0x77, at: .seconds(1002))
        #expect(second.fractionLost == 0)
        #expect(second.cumulativeLost == 2)
        #expect(second.extendedHighestSequenceNumber == 65_552)
    }

    @Test("a retransmission counts as received but is not a jitter sample")
    func retransmissionJitter() {
        var statistics = ReceiveStreamStatistics(clockRate: 90_000)
        statistics.record(TestPackets.incoming(1, ts: 0, at: 0))
        statistics.record(TestPackets.incoming(3, ts: 0, at: 0))
        var retransmitted = TestPackets.incoming(2, ts: 0, at: 400)
        retransmitted.isRetransmission = true
        statistics.record(retransmitted)
        #expect(statistics.jitter == 0)
        #expect(statistics.cumulativeLost == 0)
        #expect(statistics.received == 3)
    }

    @Test("keyframe requests: one per 500 ms, the rest folded into a pending one sent when the window ends")
    func keyframeThrottle() {
        var requester = KeyframeRequester(method: .pli)
        let start = Duration.seconds(50)
        #expect(requester.request(at: start) == .pli)
        #expect(requester.nextDeadline == nil)
        for step in 1..<10 { #expect(requester.request(at: start + .milliseconds(step * 40)) == nil) }
        #expect(requester.isPending)
        #expect(requester.nextDeadline == start + .milliseconds(500))
        #expect(requester.handleTimeout(at: start + .milliseconds(499)) == nil)
        #expect(requester.handleTimeout(at: start + .milliseconds(500)) == .pli)
        #expect(requester.sent == 2)
        #expect(requester.throttled == 9)
        // A keyframe answers what was pending.
        _ = requester.request(at: start + .milliseconds(600))
        requester.keyframeArrived()
        #expect(requester.nextDeadline == nil)
    }

    @Test("FIR requests carry an incrementing command sequence number")
    func firSequence() {
        var requester = KeyframeRequester(method: .fir, minimumInterval: .milliseconds(500))
        #expect(requester.request(at: .seconds(1)) == .fir(sequenceNumber: 0))
        #expect(requester.request(at: .seconds(2)) == .fir(sequenceNumber: 1))
        #expect(requester.request(at: .seconds(3)) == .fir(sequenceNumber: 2))
        let packet = KeyframeRequester.packet(for: .fir(sequenceNumber: 2), senderSSRC: 5, mediaSSRC: 6)
        #expect(packet == .fullIntraRequest(FullIntraRequest(senderSSRC: 5, mediaSSRC: 0, entries: [.init(ssrc: 6, sequenceNumber: 2)])))
    }

    @Test("SR rewrite: viewer SSRC, timestamp through the forwarder's offset, NTP kept, own counts; RTT from the echo")
    func senderReport() throws {
        var forwarder = Forwarder(configuration: .init(kind: .audio, codec: .opus, clockRate: 48_000, ssrc: 0xF00D,
                                                       payloadType: 111, initialSequenceNumber: 0, initialTimestamp: 1000))
        for index in 0..<3 {
            _ = forwarder.translate(TestPackets.incoming(Int64(10 + index), ts: Int64(5000 + index * 960), epoch: 4), at: .zero)
        }
        var rewriter = SenderReportRewriter()
        let publisher = SenderReport(ssrc: 0xAAAA, ntpTimestamp: 0xE000_0001_8000_0000, rtpTimestamp: 8000,
                                     packetCount: 999, octetCount: 99_999)
        let output = rewriter.rewrite(publisher, epoch: 4, forwarder: forwarder, at: .seconds(10))
        let rewritten = try #require(output)
        #expect(rewritten.ssrc == 0xF00D)
        #expect(rewritten.ntpTimestamp == publisher.ntpTimestamp)
        #expect(rewritten.rtpTimestamp == 4000)  // 8000 − 5000 + 1000
        #expect(rewritten.packetCount == 3)
        #expect(rewritten.octetCount == 300)
        let wrongEpoch = rewriter.rewrite(publisher, epoch: 3, forwarder: forwarder, at: .seconds(10))
        #expect(wrongEpoch == nil)

        // The viewer answers 600 ms later, having held the SR for 500 ms: RTT 100 ms.
        let block = ReportBlock(ssrc: 0xF00D, lastSenderReport: rewritten.compactNTPTimestamp,
                                delaySinceLastSenderReport: 32_768)
        #expect(rewriter.roundTripTime(for: block, at: .seconds(10) + .milliseconds(600)) == .milliseconds(100))
        #expect(rewriter.roundTripTime(for: ReportBlock(ssrc: 0xF00D, lastSenderReport: 1234), at: .seconds(11)) == nil)
    }
}
