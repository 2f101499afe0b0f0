import Congestion
import RTP
import Testing
import TestSupport

@Suite("SendSideBandwidthEstimator: ramp, drop, recovery, loss, REMB")
struct SendSideBandwidthEstimatorTests {
    static func mbps(_ value: Double) -> UInt64 { UInt64(value * 1_000_000) }

    @Test("from 300 kbps on a 3 Mbps path the target passes 1.5 Mbps within 8 s and stays near capacity")
    func rampUp() {
        var simulation = SendSideSimulation(capacity: Self.mbps(3))
        simulation.run(for: .seconds(20))
        let reached = simulation.firstTime { $0 > Self.mbps(1.5) }
        #expect(reached != nil)
        #expect(reached.map { $0 <= .seconds(8) } ?? false, "1.5 Mbps reached at \(String(describing: reached))")
        // Above 1.2 × capacity only briefly (a probe's jump before the next overuse corrects it).
        let over = simulation.longestStretch(in: .zero ..< .seconds(20)) { $0 > Self.mbps(3.6) }
        #expect(over <= .seconds(1), "above 1.2 × capacity for \(over)")
        // And it uses the path: the mean over the last 10 s is most of the capacity.
        let mean = simulation.meanTarget(in: .seconds(10) ..< .seconds(20))
        #expect(mean > 0.6 * 3_000_000 && mean < 1.15 * 3_000_000, "mean target \(mean)")
        #expect(simulation.estimator.counters.unknown == 0)
        #expect(simulation.estimator.counters.duplicates == 0)
    }

    @Test("a drop from 3 Mbps to 500 kbps is followed within 2 s, and the target recovers when capacity returns")
    func dropAndRecovery() {
        var simulation = SendSideSimulation(capacity: Self.mbps(3))
        simulation.run(for: .seconds(10))
        #expect(simulation.target > Self.mbps(1.5))
        simulation.link.capacity = Self.mbps(0.5)
        simulation.run(for: .seconds(10))
        let fell = simulation.firstTime(from: .seconds(10)) { $0 < Self.mbps(0.6) }
        #expect(fell.map { $0 - .seconds(10) <= .seconds(2) } ?? false, "below 600 kbps at \(String(describing: fell))")
        // Once settled it tracks the smaller path, neither starving nor flooding it.
        let settled = simulation.meanTarget(in: .seconds(14) ..< .seconds(20))
        #expect(settled > 0.25 * 500_000 && settled < 1.3 * 500_000, "settled mean \(settled)")
        simulation.link.capacity = Self.mbps(3)
        simulation.run(for: .seconds(15))
        let recovered = simulation.firstTime(from: .seconds(20)) { $0 > Self.mbps(2) }
        #expect(recovered.map { $0 - .seconds(20) <= .seconds(15) } ?? false,
                "above 2 Mbps at \(String(describing: recovered))")
    }

    @Test("without probes, the delay-based ramp alone is multiplicative: ~8 %/s from the start bitrate")
    func rampWithoutProbes() {
        var simulation = SendSideSimulation(capacity: Self.mbps(3), startBitrate: 500_000, probing: false)
        simulation.run(for: .seconds(5))
        #expect(simulation.clusters.isEmpty)
        // 500 kbps × 1.08^5 ≈ 735 kbps; allow for the first feedback's latency and rounding.
        #expect(simulation.target > 650_000 && simulation.target < 800_000, "target \(simulation.target)")
    }

    @Test("receiver-report loss alone: 20 % loss cuts by ~10 % per report, 0 % grows ~8 %/s, 5 % holds")
    func receiverReportLoss() {
        var estimator = SendSideBandwidthEstimator(configuration: .init(startBitrate: 1_000_000, minBitrate: 50_000,
                                                                       maxBitrate: 5_000_000))
        var clock = VirtualClock()
        #expect(estimator.targetBitrate == 1_000_000)
        for _ in 0..<5 {
            clock.advance(by: .seconds(1))
            estimator.onReceiverReport(fractionLost: 51, at: clock.now)  // 51/256 ≈ 20 %
        }
        // × (1 − 0.5 × 0.199) five times ≈ 0.59.
        let cut = estimator.targetBitrate
        #expect(cut > 560_000 && cut < 620_000, "after loss \(cut)")
        #expect(abs(estimator.lossRatio - 51.0 / 256) < 1e-9)

        for _ in 0..<3 {
            clock.advance(by: .seconds(1))
            estimator.onReceiverReport(fractionLost: 13, at: clock.now)  // ≈ 5 %: hold
        }
        #expect(estimator.targetBitrate == cut)

        for _ in 0..<5 {
            clock.advance(by: .seconds(1))
            estimator.onReceiverReport(fractionLost: 0, at: clock.now)
        }
        // The first clean report after a hold counts the second since the last report: 5 × 8 %.
        let grown = Double(estimator.targetBitrate) / Double(cut)
        #expect(grown > 1.40 && grown < 1.52, "grew × \(grown)")
    }

    @Test("two reports of heavy loss in quick succession cut once (300 ms + RTT apart at least)")
    func lossCutsArePaced() {
        var estimator = SendSideBandwidthEstimator(configuration: .init(startBitrate: 1_000_000, minBitrate: 50_000,
                                                                       maxBitrate: 5_000_000))
        estimator.onReceiverReport(fractionLost: 128, at: .seconds(1))
        let once = estimator.targetBitrate
        #expect(once == 750_000)
        estimator.onReceiverReport(fractionLost: 128, at: .seconds(1) + .milliseconds(100))
        #expect(estimator.targetBitrate == once)
        estimator.onReceiverReport(fractionLost: 128, at: .seconds(2))
        #expect(estimator.targetBitrate < once)
    }

    @Test("a REMB-only viewer: the target follows the REMB up and down, capped by loss")
    func rembFollowing() {
        var estimator = SendSideBandwidthEstimator(configuration: .init(startBitrate: 300_000, minBitrate: 50_000,
                                                                       maxBitrate: 5_000_000))
        estimator.onREMB(bitrate: 2_000_000, at: .seconds(1))
        #expect(estimator.targetBitrate == 2_000_000)
        estimator.onREMB(bitrate: 700_000, at: .seconds(2))
        #expect(estimator.targetBitrate == 700_000)
        estimator.onREMB(bitrate: 9_000_000, at: .seconds(3))
        #expect(estimator.targetBitrate == 5_000_000, "clamped to the maximum")
        estimator.onReceiverReport(fractionLost: 77, at: .seconds(4))  // 30 % loss: × (1 − 0.15)
        let capped = UInt64(5_000_000 * (1 - 0.5 * 77.0 / 256))
        #expect(estimator.targetBitrate == capped)
        estimator.onREMB(bitrate: 4_000_000, at: .seconds(4) + .milliseconds(100))
        #expect(estimator.targetBitrate == 4_000_000)
        estimator.onREMB(bitrate: 4_800_000, at: .seconds(5))
        #expect(estimator.targetBitrate == capped, "the loss-based bound holds while losses last")
        estimator.onREMB(bitrate: 20_000, at: .seconds(6))
        #expect(estimator.targetBitrate == 50_000, "clamped to the minimum")
    }

    @Test("feedback losses count: 30 % of packets reported lost cut the target")
    func feedbackLosses() throws {
        var estimator = SendSideBandwidthEstimator(configuration: .init(startBitrate: 1_000_000, minBitrate: 50_000,
                                                                       maxBitrate: 5_000_000))
        let start = Duration.seconds(10)
        var arrivals: [Duration?] = []
        for index in 0..<100 {
            let sent = start + .milliseconds(10) * index
            estimator.onPacketSent(transportSequenceNumber: UInt16(index), size: 1000, at: sent)
            arrivals.append(index % 10 < 3 ? nil : sent + .milliseconds(40))
        }
        let feedback = try TransportWideFeedback(senderSSRC: 1, mediaSSRC: 2, baseSequenceNumber: 0,
                                                 feedbackPacketCount: 0, arrivalTimes: arrivals)
        estimator.onTransportFeedback(feedback, at: start + .seconds(1) + .milliseconds(60))
        #expect(abs(estimator.lossRatio - 0.3) < 1e-9)
        #expect(estimator.counters.reportedLost == 30)
        #expect(estimator.counters.acknowledged == 70)
        #expect(estimator.targetBitrate < 1_000_000)
        // The same feedback again is all duplicates: nothing changes.
        let before = estimator.targetBitrate
        estimator.onTransportFeedback(feedback, at: start + .seconds(1) + .milliseconds(70))
        #expect(estimator.counters.duplicates == 70)
        #expect(estimator.targetBitrate == before)
        // 70 packets of 8000 bits over 0.99 s of arrivals, measured over the 500 ms window.
        let acked = try #require(estimator.ackedBitrate)
        #expect(acked > 450_000 && acked < 700_000, "acked \(acked)")
    }
}
