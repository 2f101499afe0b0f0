@testable import Congestion
import RTP
import Testing
import TestSupport

/// A publisher without transport-cc (aiortc-like) sending to the SFU through a bottleneck: it
/// stamps abs-send-time from its own clock, and sets its bitrate to every REMB it hears.
struct RemoteEstimateSimulation {
    var estimator = RemoteBitrateEstimator()
    var link: BottleneckLink
    /// The publisher's own send rate, set from REMB (clamped to what its encoder can do).
    private(set) var publisherRate: UInt64
    let publisherRange: ClosedRange<UInt64> = 100_000...5_000_000
    /// The publisher's clock reads `sendClockOrigin` when ours reads `start`.
    let sendClockOrigin: Duration
    let start: Duration
    private(set) var now: Duration
    private var nextSend: Duration
    private var arrivals: [(at: Duration, absSendTime: UInt32, size: Int)] = []
    private var arrivalHead = 0
    private var pendingREMB: [(at: Duration, bitrate: UInt64)] = []
    private(set) var rembs: [(time: Duration, bitrate: UInt64)] = []
    private(set) var trace: [(time: Duration, estimate: UInt64)] = []
    private var steps = 0

    init(capacity: UInt64, publisherRate: UInt64, sendClockOrigin: Duration, start: Duration = .seconds(500)) {
        link = BottleneckLink(capacity: capacity)
        self.publisherRate = publisherRate
        self.sendClockOrigin = sendClockOrigin
        self.start = start
        now = start
        nextSend = start
    }

    mutating func run(for duration: Duration) {
        let end = now + duration
        while now < end { step() }
    }

    private mutating func step() {
        now += .milliseconds(1)
        while let first = pendingREMB.first, first.at <= now {
            pendingREMB.removeFirst()
            publisherRate = min(max(first.bitrate, publisherRange.lowerBound), publisherRange.upperBound)
        }
        while nextSend <= now {
            let size = Int(min(1200, max(200, publisherRate / 8 / 50)))
            let stamp = AbsSendTime(nextSend - start + sendClockOrigin).rawValue
            if let arrival = link.transmit(size: size, at: nextSend) { arrivals.append((arrival, stamp, size)) }
            nextSend += .nanoseconds(Int64(size) * 8_000_000_000 / Int64(publisherRate))
        }
        while arrivalHead < arrivals.count, arrivals[arrivalHead].at <= now {
            let packet = arrivals[arrivalHead]
            estimator.onPacket(absSendTime: packet.absSendTime, arrival: packet.at, size: packet.size)
            arrivalHead += 1
        }
        if arrivalHead > 4096 {
            arrivals.removeFirst(arrivalHead)
            arrivalHead = 0
        }
        if let deadline = estimator.nextDeadline, deadline <= now, let bitrate = estimator.poll(at: now) {
            rembs.append((now - start, bitrate))
            pendingREMB.append((now + link.propagation, bitrate))
        }
        steps += 1
        if steps % 10 == 0 { trace.append((now - start, estimator.estimate)) }
    }

    func firstTime(from: Duration, where condition: (UInt64) -> Bool) -> Duration? {
        rembs.first { $0.time >= from && condition($0.bitrate) }?.time
    }
}

@Suite("RemoteBitrateEstimator: REMB from abs-send-time follows the path, across the 64 s wrap")
struct RemoteBitrateEstimatorTests {
    @Test("a REMB-driven publisher ramps towards capacity, follows a drop within 2 s, and recovers")
    func followsCapacity() throws {
        // The publisher's abs-send-time wraps 5 s in, and again 64 s later.
        var simulation = RemoteEstimateSimulation(capacity: 1_500_000, publisherRate: 800_000,
                                                  sendClockOrigin: .seconds(59))
        simulation.run(for: .seconds(20))
        // The first REMB is no lower than what already arrives (800 kbps), not the 300 kbps start.
        let first = try #require(simulation.rembs.first)
        #expect(first.bitrate >= 700_000, "first REMB \(first.bitrate)")
        #expect(first.time >= .seconds(1) && first.time < .milliseconds(1200))
        let ramped = simulation.firstTime(from: .zero) { $0 > 1_100_000 }
        #expect(ramped.map { $0 <= .seconds(10) } ?? false, "above 1.1 Mbps at \(String(describing: ramped))")
        let overshoot = simulation.rembs.filter { $0.bitrate > 1_800_000 }
        #expect(overshoot.count <= 1, "REMBs above 1.2 × capacity: \(overshoot.map(\.bitrate))")

        simulation.link.capacity = 500_000
        simulation.run(for: .seconds(10))
        let fell = simulation.firstTime(from: .seconds(20)) { $0 < 600_000 }
        #expect(fell.map { $0 - .seconds(20) <= .seconds(2) } ?? false, "below 600 kbps at \(String(describing: fell))")

        simulation.link.capacity = 1_500_000
        simulation.run(for: .seconds(45))
        let recovered = simulation.firstTime(from: .seconds(30)) { $0 > 1_000_000 }
        #expect(recovered.map { $0 - .seconds(30) <= .seconds(25) } ?? false,
                "above 1 Mbps at \(String(describing: recovered))")
        // Both wraps (at 5 s and 69 s) passed without the delay history starting over.
        #expect(simulation.estimator.groupingResets == 0)
        let late = simulation.rembs.filter { $0.time >= .seconds(60) }
        #expect(!late.isEmpty && late.allSatisfy { $0.bitrate > 900_000 }, "after recovery: \(late.map(\.bitrate))")
    }

    @Test("REMB cadence: once a second, and at once when the estimate drops by more than 3 %")
    func cadence() {
        var simulation = RemoteEstimateSimulation(capacity: 10_000_000, publisherRate: 1_000_000,
                                                  sendClockOrigin: .seconds(3))
        simulation.run(for: .seconds(10))
        let times = simulation.rembs.map(\.time)
        #expect(times.count >= 9 && times.count <= 10, "\(times)")
        for (earlier, later) in zip(times, times.dropFirst()) {
            #expect(later - earlier >= .seconds(1) && later - earlier <= .milliseconds(1100))
        }
    }

    @Test("a growing queue sends a lower REMB at once, not at the next one-second slot")
    func immediateDrop() throws {
        var estimator = RemoteBitrateEstimator(configuration: .init(startBitrate: 1_000_000, minBitrate: 30_000,
                                                                    maxBitrate: 10_000_000))
        var sent: [(time: Duration, bitrate: UInt64)] = []
        var sendTime = Duration.zero
        var arrival = Duration.seconds(50)
        var now = arrival
        // 100 packets a second of 1250 bytes (1 Mbps): 3 s at a constant delay, then each packet
        // queues 2 ms longer than the one before (the path carries half of what is sent).
        for index in 0..<400 {
            sendTime += .milliseconds(10)
            arrival += index < 300 ? .milliseconds(10) : .milliseconds(12)
            estimator.onPacket(absSendTime: AbsSendTime(sendTime).rawValue, arrival: arrival, size: 1250)
            now = arrival
            while let deadline = estimator.nextDeadline, deadline <= now {
                if let bitrate = estimator.poll(at: now) { sent.append((now, bitrate)) }
                if estimator.nextDeadline == deadline { break }
            }
        }
        let index = try #require(sent.indices.first { index in
            index > 0 && Double(sent[index].bitrate) < 0.97 * Double(sent[index - 1].bitrate)
        })
        let (before, drop) = (sent[index - 1], sent[index])
        // Overuse shows after a few groups of growing delay (and a decrease waits for the last
        // change to be an RTT old); the REMB goes out then, not at the next one-second slot.
        #expect(drop.time > .seconds(53) && drop.time - .seconds(53) < .milliseconds(500), "drop REMB at \(drop.time)")
        #expect(drop.time - before.time < .seconds(1))
        #expect(estimator.usage == .overusing)
        // Every later REMB keeps following the queue down while the publisher does not react.
        let following: [UInt64] = sent[index...].map { $0.bitrate }
        #expect(following == following.sorted(by: >))
    }

    @Test("no packets, no deadline; a pause longer than the idle timeout goes quiet, then resumes")
    func idle() {
        var estimator = RemoteBitrateEstimator()
        #expect(estimator.nextDeadline == nil)
        #expect(estimator.poll(at: .seconds(5)) == nil)
        var time = Duration.seconds(100)
        for index in 0..<100 {
            estimator.onPacket(absSendTime: AbsSendTime(.milliseconds(10) * index).rawValue, arrival: time, size: 1000)
            time += .milliseconds(10)
        }
        #expect(estimator.nextDeadline != nil)
        #expect(estimator.poll(at: time + .seconds(3)) == nil)
        #expect(estimator.nextDeadline == nil)
    }

    @Test("abs-send-time unwraps across 64 s, forwards and for a packet reordered back over the wrap")
    func unwrapping() {
        var unwrapper = AbsSendTimeUnwrapper()
        let beforeWrap = unwrapper.unwrap(0xFF_FFF0)
        let afterWrap = unwrapper.unwrap(0x00_0010)
        // 32 ticks of 2^-18 s.
        #expect(afterWrap - beforeWrap == Duration(secondsComponent: 0, attosecondsComponent: 32 * 3_814_697_265_625))
        let reordered = unwrapper.unwrap(0xFF_FFF8)
        #expect(reordered < afterWrap && reordered > beforeWrap)
        // 64 s later by whole wraps, in steps under half the range.
        var previous = afterWrap
        var value: UInt32 = 0x10
        for _ in 0..<8 {
            value = (value &+ 0x20_0000) & 0xFF_FFFF
            let next = unwrapper.unwrap(value)
            #expect(next - previous == .seconds(8))
            previous = next
        }
        #expect(previous - afterWrap == .seconds(64))
    }

    @Test("hostile abs-send-time and arrival sequences never trap and keep the estimate in range")
    func hostile() {
        var generator = SeededGenerator(seed: 0xAB5)
        var estimator = RemoteBitrateEstimator(configuration: .init(startBitrate: 300_000, minBitrate: 30_000,
                                                                    maxBitrate: 10_000_000))
        var time = Duration.seconds(1)
        var outOfRange = 0
        var rembs = 0
        for _ in 0..<50_000 {
            let raw = UInt32(truncatingIfNeeded: generator.next())
            // Mostly forward in time, sometimes backwards or far ahead.
            var jump = Int64(generator.next() % 1000)
            if generator.next() % 20 == 0 { jump -= 900 }
            let scale: Int64 = generator.next() % 50 == 0 ? 10_000 : 10
            time += Duration.microseconds(jump * scale)
            let size = Int(generator.next() % 3000) - 100
            estimator.onPacket(absSendTime: raw, arrival: time, size: size)
            if generator.next() % 8 == 0, let bitrate = estimator.poll(at: time) {
                rembs += 1
                if !(30_000...10_000_000).contains(bitrate) { outOfRange += 1 }
            }
            if !(30_000...10_000_000).contains(estimator.estimate) { outOfRange += 1 }
        }
        #expect(outOfRange == 0)
        #expect(rembs > 0)
    }
}
