import Congestion
import RTP
import Testing
import TestSupport

/// Feedback is written by the viewer's browser, or by anyone who can reach the port after
/// DTLS: these suites feed the send side what a broken or hostile peer could, and pin that it
/// never traps and never leaves [minBitrate, maxBitrate].
@Suite("SendSideBandwidthEstimator: hostile transport-wide feedback")
struct HostileFeedbackTests {
    static let range: ClosedRange<UInt64> = 50_000...8_000_000

    /// Makes hostile feedback values around what was really sent.
    struct FeedbackFuzzer {
        var generator: SeededGenerator
        var recent: [TransportWideFeedback] = []

        mutating func random(_ bound: UInt64) -> UInt64 { generator.next() % max(bound, 1) }

        mutating func delta() -> Int16? {
            switch random(10) {
            case 0, 1: return nil
            case 2: return Int16(truncatingIfNeeded: generator.next())  // anything, ±8 s
            case 3: return random(2) == 0 ? .max : .min
            default: return Int16(random(256))  // a plausible 0–64 ms
            }
        }

        mutating func make(highestSent: UInt16, reference: UInt32) -> TransportWideFeedback {
            let mode = random(10)
            if mode < 2, !recent.isEmpty {
                // A replay (duplicate), maybe with its clock moved.
                var replay = recent[Int(random(UInt64(recent.count)))]
                if mode == 1 { replay.referenceTime = UInt32(truncatingIfNeeded: generator.next()) & 0xFF_FFFF }
                return replay
            }
            let base: UInt16
            switch mode {
            case 2, 3: base = UInt16(truncatingIfNeeded: generator.next())  // anywhere, mostly never sent
            case 4: base = highestSent &+ UInt16(random(100))  // ahead of anything sent
            default: base = highestSent &- UInt16(random(600))  // around the recent past
            }
            let count = random(20) == 0 ? Int(random(400)) : Int(random(40))
            var packets: [TransportWideFeedback.PacketResult] = []
            packets.reserveCapacity(count)
            for index in 0..<count {
                // Mostly consecutive; sometimes a jump or a repeated number.
                let sequenceNumber = random(30) == 0 ? UInt16(truncatingIfNeeded: generator.next())
                    : base &+ UInt16(truncatingIfNeeded: index)
                packets.append(.init(sequenceNumber: sequenceNumber, receiveDelta: delta()))
            }
            let referenceTime = random(8) == 0 ? UInt32(truncatingIfNeeded: generator.next()) : reference
            let feedback = TransportWideFeedback(senderSSRC: 1, mediaSSRC: 2, baseSequenceNumber: base,
                                                 referenceTime: referenceTime,
                                                 feedbackPacketCount: UInt8(truncatingIfNeeded: random(256)),
                                                 packets: packets)
            if recent.count < 16 { recent.append(feedback) } else { recent[Int(random(16))] = feedback }
            return feedback
        }
    }

    @Test("100,000 random, replayed and mutated feedback values: no trap, every bound stays in range")
    func randomFeedback() {
        var estimator = SendSideBandwidthEstimator(configuration: .init(startBitrate: 300_000,
                                                                       minBitrate: Self.range.lowerBound,
                                                                       maxBitrate: Self.range.upperBound))
        var fuzzer = FeedbackFuzzer(generator: SeededGenerator(seed: 0x7CC))
        var sequenceNumber: UInt16 = 65_000
        var time = Duration.seconds(5)
        var outOfRange = 0
        var targets = Set<UInt64>()
        for round in 0..<100_000 {
            // Keep sending (across the 16-bit wrap), as a live viewer would be sent to.
            if round % 4 == 0 {
                for _ in 0..<5 {
                    estimator.onPacketSent(transportSequenceNumber: sequenceNumber, size: Int(fuzzer.random(1500)),
                                           at: time, probeCluster: fuzzer.random(50) == 0 ? Int(fuzzer.random(4)) : nil)
                    sequenceNumber &+= 1
                    time += .milliseconds(1)
                }
            }
            time += .microseconds(Int64(fuzzer.random(3000)))
            let reference = UInt32(truncatingIfNeeded: Int64(time / .milliseconds(64)))
            estimator.onTransportFeedback(fuzzer.make(highestSent: sequenceNumber &- 1, reference: reference), at: time)
            if round % 97 == 0 {
                let shift = fuzzer.random(64)
                estimator.onREMB(bitrate: fuzzer.generator.next() >> shift, at: time)
            }
            if round % 89 == 0 { estimator.onReceiverReport(fractionLost: UInt8(fuzzer.random(256)), at: time) }
            let bounds = [estimator.targetBitrate, estimator.delayBasedEstimate, estimator.lossBasedEstimate]
            if !bounds.allSatisfy(Self.range.contains) || !(0...1).contains(estimator.lossRatio) { outOfRange += 1 }
            if round % 100 == 0 { targets.insert(estimator.targetBitrate) }
        }
        #expect(outOfRange == 0)
        // The paths under test were taken: unknown, duplicate and matched entries, and the
        // estimate moved (it is not stuck at a bound).
        #expect(estimator.counters.unknown > 100_000)
        #expect(estimator.counters.duplicates > 1000)
        #expect(estimator.counters.acknowledged > 10_000)
        #expect(estimator.counters.reportedLost > 1000)
        #expect(targets.count > 10)
    }

    @Test("hostile wire bytes that still parse as feedback are safe to feed")
    func hostileBytes() throws {
        var estimator = SendSideBandwidthEstimator(configuration: .init(startBitrate: 300_000,
                                                                       minBitrate: Self.range.lowerBound,
                                                                       maxBitrate: Self.range.upperBound))
        var time = Duration.seconds(10)
        for index in 0..<2000 {
            estimator.onPacketSent(transportSequenceNumber: UInt16(truncatingIfNeeded: 64_000 + index), size: 1200,
                                   at: time)
            time += .milliseconds(2)
        }
        var seeds: [[UInt8]] = []
        for offset in stride(from: 0, to: 2000, by: 400) {
            var arrivals: [Duration?] = []
            for index in 0..<60 {
                let arrival: Duration = .seconds(30) + .milliseconds(2 * (offset + index))
                arrivals.append(index % 7 == 3 ? nil : arrival)
            }
            let feedback = try TransportWideFeedback(senderSSRC: 9, mediaSSRC: 8,
                                                     baseSequenceNumber: UInt16(truncatingIfNeeded: 64_000 + offset),
                                                     feedbackPacketCount: 0, arrivalTimes: arrivals)
            var bytes = [UInt8](repeating: 0, count: feedback.marshalSize)
            _ = try bytes.withUnsafeMutableBytes { try feedback.marshal(into: $0) }
            seeds.append(bytes)
        }
        var parsed = 0
        var outOfRange = 0
        for hostile in HostileInput(seeds: seeds, count: 20_000, seed: 0xB17E, maxLength: 2000) {
            let feedback = hostile.bytes.withUnsafeBytes { try? TransportWideFeedback(parsing: $0) }
            guard let feedback else { continue }
            parsed += 1
            time += .milliseconds(5)
            estimator.onTransportFeedback(feedback, at: time)
            if !Self.range.contains(estimator.targetBitrate) { outOfRange += 1 }
        }
        #expect(parsed > 1000)
        #expect(outOfRange == 0)
    }

    @Test("feedback for packets too old, never sent, or ahead of anything sent is counted and ignored")
    func unknownEntries() throws {
        var estimator = SendSideBandwidthEstimator(configuration: .init(startBitrate: 500_000, minBitrate: 50_000,
                                                                       maxBitrate: 5_000_000))
        // 5000 packets: more than the 4096-entry history holds.
        for index in 0..<5000 {
            estimator.onPacketSent(transportSequenceNumber: UInt16(index), size: 1000, at: .milliseconds(index))
        }
        let oldest = try TransportWideFeedback(senderSSRC: 1, mediaSSRC: 2, baseSequenceNumber: 100,
                                               feedbackPacketCount: 0,
                                               arrivalTimes: Array(repeating: .seconds(1), count: 10))
        estimator.onTransportFeedback(oldest, at: .seconds(5))
        #expect(estimator.counters.unknown == 10)
        let ahead = try TransportWideFeedback(senderSSRC: 1, mediaSSRC: 2, baseSequenceNumber: 5000,
                                              feedbackPacketCount: 1,
                                              arrivalTimes: Array(repeating: .seconds(1), count: 10))
        estimator.onTransportFeedback(ahead, at: .seconds(5))
        #expect(estimator.counters.unknown == 20)
        #expect(estimator.counters.acknowledged == 0)
        #expect(!estimator.hasTransportFeedback, "nothing matched: the delay-based bound is not in play yet")
        #expect(estimator.targetBitrate == 500_000)
        // Packets sent more than 10 s before the feedback are too old even if still in the ring.
        let stale = try TransportWideFeedback(senderSSRC: 1, mediaSSRC: 2, baseSequenceNumber: 4990,
                                              feedbackPacketCount: 2,
                                              arrivalTimes: Array(repeating: .seconds(1), count: 10))
        estimator.onTransportFeedback(stale, at: .seconds(20))
        #expect(estimator.counters.unknown == 30)
        estimator.onTransportFeedback(stale, at: .seconds(6))
        #expect(estimator.counters.acknowledged == 10)
        #expect(estimator.hasTransportFeedback)
    }
}
