import Congestion
import RTP
import Testing
import TestSupport

@Suite("Probing: clusters planned by ProbeController, measured by ProbeBitrateEstimator")
struct ProbeTests {
    /// Sends `cluster` (after `warmUp` of media at 300 kbps) through a bottleneck of `capacity`,
    /// reports it back, and returns the estimator.
    static func probe(capacity: UInt64, bitrate: UInt64, packetSize: Int = 1200) throws -> SendSideBandwidthEstimator {
        var estimator = SendSideBandwidthEstimator(configuration: .init(startBitrate: 300_000, minBitrate: 50_000,
                                                                       maxBitrate: 20_000_000))
        var link = BottleneckLink(capacity: capacity)
        var receiver = FeedbackReceiverModel()
        var sequenceNumber: UInt16 = 40_000
        var time = Duration.seconds(20)
        func send(_ size: Int, cluster: Int?) {
            estimator.onPacketSent(transportSequenceNumber: sequenceNumber, size: size, at: time, probeCluster: cluster)
            receiver.record(sequenceNumber: sequenceNumber, arrival: link.transmit(size: size, at: time))
            sequenceNumber &+= 1
        }
        // One second of media at 300 kbps, reported every 50 ms.
        for index in 1...100 {
            send(375, cluster: nil)
            time += .milliseconds(10)
            if index % 5 == 0, let feedback = receiver.feedback(at: time) {
                estimator.onTransportFeedback(feedback, at: time + link.propagation)
            }
        }
        let cluster = ProbeCluster(id: 7, bitrate: bitrate, minPackets: 5, minDuration: .milliseconds(15))
        let packets = max(cluster.minPackets, (cluster.minBytes + packetSize - 1) / packetSize)
        let interval = Duration.nanoseconds(Int64(packetSize) * 8_000_000_000 / Int64(bitrate))
        for _ in 0..<packets {
            send(packetSize, cluster: cluster.id)
            time += interval
        }
        time += .milliseconds(100)
        let feedbackValue = receiver.feedback(at: time)
        let feedback = try #require(feedbackValue)
        estimator.onTransportFeedback(feedback, at: time + link.propagation)
        return estimator
    }

    @Test("a probe above the bottleneck measures its capacity within 10 %", arguments: [
        (UInt64(1_000_000), UInt64(2_000_000)), (2_500_000, 4_000_000), (4_000_000, 12_000_000), (800_000, 1_000_000),
    ])
    func measuresCapacity(capacity: UInt64, bitrate: UInt64) throws {
        let estimator = try Self.probe(capacity: capacity, bitrate: bitrate)
        let measured = try #require(estimator.lastProbeResult)
        let error = abs(Double(measured) - Double(capacity)) / Double(capacity)
        #expect(error <= 0.10, "probe at \(bitrate) through \(capacity): measured \(measured)")
        // The estimate jumped to it rather than creeping up from 300 kbps.
        #expect(estimator.delayBasedEstimate == measured)
        #expect(estimator.targetBitrate == measured)
    }

    @Test("a probe below the bottleneck measures what it sent: the path carries at least that")
    func unsaturated() throws {
        let estimator = try Self.probe(capacity: 5_000_000, bitrate: 2_000_000)
        let measured = try #require(estimator.lastProbeResult)
        let error: Double = abs(Double(measured) - 2_000_000) / 2_000_000
        #expect(error < 0.05, "measured \(measured)")
    }

    @Test("a cluster with fewer than 80 % of its packets acknowledged is not judged")
    func lossyClusterIgnored() {
        var estimator = ProbeBitrateEstimator()
        let start = Duration.seconds(3)
        for index in 0..<10 {
            estimator.onPacketSent(cluster: 4, size: 1000, at: start + .milliseconds(index))
        }
        var results: [UInt64] = []
        // 7 of 10 arrive: under 80 %.
        for index in 0..<7 {
            let sent = start + .milliseconds(index)
            if let result = estimator.onPacketAcknowledged(cluster: 4, sendTime: sent, arrival: sent + .milliseconds(index + 30),
                                                           size: 1000, at: start + .milliseconds(100)) {
                results.append(result)
            }
        }
        #expect(results.isEmpty)
        // The eighth makes 80 %: now it is judged (sent at 8 Mbps, received at half that: saturated).
        let result = estimator.onPacketAcknowledged(cluster: 4, sendTime: start + .milliseconds(7),
                                                    arrival: start + .milliseconds(44), size: 1000,
                                                    at: start + .milliseconds(100))
        #expect(result.map { abs(Double($0) - 0.95 * 4_000_000) <= 1 } ?? false, "\(String(describing: result))")
        // Feedback for a cluster never sent is ignored.
        #expect(estimator.onPacketAcknowledged(cluster: 99, sendTime: start, arrival: start, size: 1000, at: start) == nil)
    }

    @Test("a receive rate more than twice the send rate is a measurement error, not a result")
    func implausibleRatio() {
        var estimator = ProbeBitrateEstimator()
        let start = Duration.seconds(3)
        var result: UInt64?
        for index in 0..<6 {
            estimator.onPacketSent(cluster: 1, size: 1000, at: start + .milliseconds(10 * index))
            result = estimator.onPacketAcknowledged(cluster: 1, sendTime: start + .milliseconds(10 * index),
                                                    arrival: start + .milliseconds(index), size: 1000, at: start)
        }
        #expect(result == nil)
    }

    @Test("start: clusters at 3× and 6× the start bitrate, 25 ms apart; then exponential while results keep up")
    func initialAndFurther() throws {
        var controller = ProbeController(configuration: .init(startBitrate: 300_000, maxBitrate: 10_000_000))
        let start = Duration.seconds(1)
        #expect(controller.nextDeadline != nil)
        let firstValue = controller.poll(at: start)
        let first = try #require(firstValue)
        #expect(first.bitrate == 900_000)
        #expect(first.minPackets == 5 && first.minDuration == .milliseconds(15))
        #expect(first.minBytes == 1687)
        #expect(controller.poll(at: start) == nil)
        #expect(controller.nextDeadline == start + .milliseconds(25))
        let secondValue = controller.poll(at: start + .milliseconds(25))
        let second = try #require(secondValue)
        #expect(second.bitrate == 1_800_000)
        #expect(second.id != first.id)
        #expect(controller.nextDeadline == nil, "no more until a result comes back")

        // The 6× probe came back at 1.5 Mbps (≥ 70 % of 1.8 Mbps): probe 2× that.
        controller.onEstimate(1_500_000, at: start + .milliseconds(150))
        let thirdValue = controller.poll(at: start + .milliseconds(150))
        let third = try #require(thirdValue)
        #expect(third.bitrate == 3_000_000)
        // It came back at only 1.9 Mbps (< 70 %): the search stops.
        controller.onEstimate(1_900_000, at: start + .milliseconds(300))
        #expect(controller.poll(at: start + .milliseconds(300)) == nil)
        #expect(controller.nextDeadline == nil)
    }

    @Test("the search stops at the cap: a capped probe is not repeated")
    func capped() throws {
        var controller = ProbeController(configuration: .init(startBitrate: 1_000_000, maxBitrate: 4_000_000))
        let start = Duration.seconds(1)
        let firstValue = controller.poll(at: start)
        let first = try #require(firstValue)
        let secondValue = controller.poll(at: start + .milliseconds(25))
        let second = try #require(secondValue)
        #expect([first.bitrate, second.bitrate] == [3_000_000, 4_000_000])
        controller.onEstimate(3_900_000, at: start + .milliseconds(200))
        #expect(controller.poll(at: start + .milliseconds(200)) == nil)
        #expect(controller.nextDeadline == nil)
    }

    @Test("an application that wants more gets a probe at 2× the estimate every 5 s, not within 5 s of a drop")
    func allocationProbes() throws {
        var configuration = ProbeController.Configuration(startBitrate: 500_000, maxBitrate: 10_000_000)
        configuration.initialMultipliers = []
        var controller = ProbeController(configuration: configuration)
        let start = Duration.seconds(100)
        #expect(controller.poll(at: start) == nil, "nothing wanted, nothing probed")
        #expect(controller.nextDeadline == nil)

        controller.setWantedBitrate(3_000_000, at: start)
        controller.onEstimate(1_000_000, at: start)
        let firstValue = controller.poll(at: start + .milliseconds(10))
        let first = try #require(firstValue)
        #expect(first.bitrate == 2_000_000)
        // Result: only 1.2 Mbps (< 70 % of 2 Mbps): no further probe; the next one is 5 s later.
        controller.onEstimate(1_200_000, at: start + .milliseconds(200))
        #expect(controller.nextDeadline == start + .milliseconds(10) + .seconds(5))
        #expect(controller.poll(at: start + .seconds(3)) == nil)

        // A large drop (below 66 %) pushes the next probe to 5 s after it.
        controller.onEstimate(500_000, at: start + .seconds(4))
        #expect(controller.nextDeadline == start + .seconds(9))
        #expect(controller.poll(at: start + .seconds(6)) == nil)
        let secondValue = controller.poll(at: start + .seconds(9))
        let second = try #require(secondValue)
        #expect(second.bitrate == 1_000_000)
        // The result (≥ 70 %) searches further, past what the application wants (3 Mbps).
        controller.onEstimate(2_000_000, at: start + .seconds(9) + .milliseconds(200))
        let thirdValue = controller.poll(at: start + .seconds(9) + .milliseconds(200))
        let third = try #require(thirdValue)
        #expect(third.bitrate == 4_000_000)
        // Once the estimate covers the wish, nothing more is planned.
        controller.onEstimate(3_100_000, at: start + .seconds(10))
        #expect(controller.nextDeadline == nil)
        #expect(controller.poll(at: start + .seconds(30)) == nil)
    }

    @Test("probes go up to twice the wish, so an estimate just short of it is probed past it")
    func probesOvershootTheWish() throws {
        var configuration = ProbeController.Configuration(startBitrate: 500_000, maxBitrate: 10_000_000)
        configuration.initialMultipliers = []
        var controller = ProbeController(configuration: configuration)
        let start = Duration.seconds(100)
        controller.setWantedBitrate(850_000, at: start)
        // 3 % short of the wish: still worth a probe, at 2× the estimate (under 2× the wish).
        controller.onEstimate(823_000, at: start)
        let firstValue = controller.poll(at: start)
        let first = try #require(firstValue)
        #expect(first.bitrate == 1_646_000)
        // Far below a large wish: the search doubles until the estimate covers it.
        controller.setWantedBitrate(6_000_000, at: start + .seconds(3))
        controller.onEstimate(1_000_000, at: start + .seconds(3))
        let secondValue = controller.poll(at: start + .seconds(6))
        let second = try #require(secondValue)
        #expect(second.bitrate == 2_000_000)
        controller.onEstimate(1_900_000, at: start + .seconds(6) + .milliseconds(100))
        let thirdValue = controller.poll(at: start + .seconds(6) + .milliseconds(100))
        let third = try #require(thirdValue)
        #expect(third.bitrate == 3_800_000)
        controller.onEstimate(3_700_000, at: start + .seconds(6) + .milliseconds(200))
        let fourthValue = controller.poll(at: start + .seconds(6) + .milliseconds(200))
        let fourth = try #require(fourthValue)
        #expect(fourth.bitrate == 7_400_000)
        controller.onEstimate(7_000_000, at: start + .seconds(6) + .milliseconds(300))
        #expect(controller.nextDeadline == nil, "the estimate covers the wish: the search stops")
    }

    @Test("end to end: probes take a 300 kbps start to a 4 Mbps path's capacity in about a second")
    func rampByProbes() {
        var simulation = SendSideSimulation(capacity: 4_000_000, maxBitrate: 10_000_000, wanted: 10_000_000)
        simulation.run(for: .seconds(3))
        let reached = simulation.firstTime { $0 > 3_000_000 }
        #expect(reached.map { $0 < .milliseconds(1500) } ?? false, "3 Mbps at \(String(describing: reached))")
        #expect(simulation.clusters.count >= 3)
        #expect(simulation.clusters.prefix(2).map(\.bitrate) == [900_000, 1_800_000])
    }
}
