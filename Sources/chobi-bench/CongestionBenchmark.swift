import CAllocationCounter
import Congestion
import RTP

/// What congestion control adds per packet, each piece alone, in process:
/// - publisher side: recording a transport-wide number and building the RTPFB 15 every 50 ms;
/// - viewer side: recording a sent packet and reading the viewer's feedback for it (delay- and
///   loss-based estimation), feedback every 50 ms;
/// - egress: translating the header extensions of one packet (vs. the plain copy it replaced).
/// Virtual time at 1,000 packets a second; allocations counted over the measured rounds.
enum CongestionBenchmark {
    static let packets = 200_000

    static func run() throws -> [BenchResult] {
        var results: [BenchResult] = []
        let before = chobi_allocation_count()
        let builder = medianNanosPerIteration(iterations: packets) { n in feedbackBuilder(packets: n) }
        let builderAllocations = Double(chobi_allocation_count() - before) / Double(5 * packets)
        results.append(BenchResult(name: "transport-wide feedback built (publisher)", value: builder, unit: "ns/packet",
                                   detail: "record + RTPFB 15 every 50 ms at 1k pkt/s; \(format2(builderAllocations)) allocs/packet"))

        let feedback = try makeFeedback(packets: packets)
        let estimatorBefore = chobi_allocation_count()
        let estimator = medianNanosPerIteration(iterations: packets) { n in sendSide(packets: n, feedback: feedback) }
        let estimatorAllocations = Double(chobi_allocation_count() - estimatorBefore) / Double(5 * packets)
        results.append(BenchResult(name: "send-side estimation (viewer)", value: estimator, unit: "ns/packet",
                                   detail: "record sent + read its feedback; \(format2(estimatorAllocations)) allocs/packet"))

        let (translated, copied, translateAllocations) = try translation()
        results.append(BenchResult(name: "header extensions translated (egress)", value: translated, unit: "ns/packet",
                                   detail: "1,200 B, 4 extensions in, 3 out; \(format2(translateAllocations)) allocs/packet"))
        results.append(BenchResult(name: "plain copy of the same packet (before)", value: copied, unit: "ns/packet", detail: ""))
        return results
    }

    private static func feedbackBuilder(packets n: Int) -> UInt64 {
        var builder = TransportFeedbackBuilder()
        var now: Duration = .seconds(100)
        var acc: UInt64 = 0
        for i in 0..<n {
            builder.packetArrived(UInt16(truncatingIfNeeded: i), at: now)
            if let deadline = builder.nextDeadline, deadline <= now,
               let feedback = builder.poll(at: now, senderSSRC: 1, mediaSSRC: 2) {
                acc &+= UInt64(feedback.packets.count)
            }
            now += .milliseconds(1)
        }
        return acc
    }

    /// The viewer's feedback, made before timing (building it is the viewer's work, not ours):
    /// one packet per 50 ms window at 1k pkt/s, each packet arriving 5 ms after it was sent.
    private static func makeFeedback(packets n: Int) throws -> [TransportWideFeedback] {
        try stride(from: 0, to: n, by: 50).map { i in
            let sent: Duration = .seconds(100) + .milliseconds(i)
            return try TransportWideFeedback(senderSSRC: 1, mediaSSRC: 2, baseSequenceNumber: UInt16(truncatingIfNeeded: i),
                                             feedbackPacketCount: UInt8(truncatingIfNeeded: i / 50),
                                             arrivalTimes: (0..<50).map { sent + .milliseconds($0 + 5) })
        }
    }

    private static func sendSide(packets n: Int, feedback: [TransportWideFeedback]) -> UInt64 {
        var estimator = SendSideBandwidthEstimator()
        var acc: UInt64 = 0
        for (window, report) in feedback.enumerated() where window * 50 < n {
            let start: Duration = .seconds(100) + .milliseconds(window * 50)
            for j in 0..<50 {
                estimator.onPacketSent(transportSequenceNumber: UInt16(truncatingIfNeeded: window * 50 + j), size: 1_200,
                                       at: start + .milliseconds(j))
            }
            estimator.onTransportFeedback(report, at: start + .milliseconds(56))
            acc &+= estimator.targetBitrate
        }
        return acc
    }

    private static func translation() throws -> (Double, Double, Double) {
        var publisher = HeaderExtensionIDs()
        publisher.audioLevel = 1
        publisher.absSendTime = 2
        publisher.transportSequenceNumber = 3
        publisher.mid = 4
        publisher.videoOrientation = 13
        var viewer = HeaderExtensionIDs()
        viewer.absSendTime = 5
        viewer.transportSequenceNumber = 6
        viewer.videoOrientation = 7
        let source = try RTPPacketBuilder(payloadType: 96, sequenceNumber: 1, timestamp: 2, ssrc: 3, extensions: [
            RTPHeaderExtension(id: 4, value: [0x30]), RTPHeaderExtension(id: 3, value: [0, 1]),
            RTPHeaderExtension(id: 2, value: [1, 2, 3]), RTPHeaderExtension(id: 13, value: [1]),
        ]).build(payload: [UInt8](repeating: 0xAB, count: 1_200))
        var out = [UInt8](repeating: 0, count: source.count + HeaderExtensionTranslator.maxBlockLength)
        let before = chobi_allocation_count()
        let translated = source.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in
                medianNanosPerIteration(iterations: 2_000_000) { n in
                    var acc: UInt64 = 0
                    for i in 0..<n {
                        let length = (try? HeaderExtensionTranslator.translate(
                            src, into: dst, from: publisher, to: viewer, absSendTime: AbsSendTime(rawValue: UInt32(i)),
                            transportSequenceNumber: UInt16(truncatingIfNeeded: i))) ?? 0
                        acc &+= UInt64(length)
                    }
                    return acc
                }
            }
        }
        let allocations = Double(chobi_allocation_count() - before) / Double(5 * 2_000_000)
        let copied = source.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in
                medianNanosPerIteration(iterations: 2_000_000) { n in
                    var acc: UInt64 = 0
                    for _ in 0..<n {
                        dst.copyMemory(from: src)
                        acc &+= UInt64(dst[7])
                    }
                    return acc
                }
            }
        }
        return (translated, copied, allocations)
    }
}
