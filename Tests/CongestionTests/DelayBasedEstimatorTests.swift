import Congestion
import Testing
import TestSupport

@Suite("Delay-based estimate: grouping, trendline, overuse detector, AIMD")
struct DelayBasedEstimatorTests {
    // MARK: grouping

    @Test("packets sent within 5 ms form one group; the next group yields send and arrival deltas")
    func grouping() throws {
        var grouping = InterArrivalGrouping()
        var deltas: [InterArrivalGrouping.Delta] = []
        // A packet every 1 ms, arriving 1.5 ms apart after a 40 ms path.
        for index in 0..<20 {
            let send = Duration.milliseconds(index)
            if let delta = grouping.onPacket(sendTime: send, arrival: .seconds(3) + .microseconds(1500 * index),
                                             size: 100) {
                deltas.append(delta)
            }
        }
        // Groups: 0–5 ms, 6–11 ms, 12–17 ms; the first delta closes when the third group starts.
        #expect(deltas.count == 2)
        let first = try #require(deltas.first)
        #expect(first.sendDelta == .milliseconds(6))
        #expect(first.arrivalDelta == .milliseconds(9))
        #expect(first.sizeDelta == 0)
        #expect(first.arrival == .seconds(3) + .milliseconds(18))
    }

    @Test("a packet arriving in a burst behind its group joins it; a reordered one is ignored")
    func burstsAndReordering() {
        var grouping = InterArrivalGrouping()
        _ = grouping.onPacket(sendTime: .milliseconds(0), arrival: .seconds(1), size: 100)
        // Sent 20 ms later but arrives 1 ms after the previous one: released from a queue, same burst.
        #expect(grouping.onPacket(sendTime: .milliseconds(20), arrival: .seconds(1) + .milliseconds(1), size: 100) == nil)
        #expect(grouping.onPacket(sendTime: .milliseconds(40), arrival: .seconds(1) + .milliseconds(40), size: 100) == nil)
        // Sent before the current group began: dropped, no delta.
        #expect(grouping.onPacket(sendTime: .milliseconds(10), arrival: .seconds(1) + .milliseconds(41), size: 100) == nil)
        let delta = grouping.onPacket(sendTime: .milliseconds(60), arrival: .seconds(1) + .milliseconds(60), size: 100)
        #expect(delta?.sendDelta == .milliseconds(20))
        #expect(delta?.arrivalDelta == .milliseconds(39))
        #expect(grouping.resets == 0)
    }

    @Test("an arrival clock that jumps by 3 s or more starts the history over")
    func clockJump() {
        var grouping = InterArrivalGrouping()
        var produced = 0
        for index in 0..<10 {
            let jump: Duration = index >= 5 ? .seconds(10) : .zero
            let arrival = Duration.seconds(1) + .milliseconds(10 * index) + jump
            if grouping.onPacket(sendTime: .milliseconds(10 * index), arrival: arrival, size: 100) != nil { produced += 1 }
        }
        #expect(grouping.resets == 1)
        // Four deltas before the jump shows (the last between groups 3 and 4), then the packet that
        // reveals it is dropped with the history, and groups 7–9 give one more.
        #expect(produced == 5)
    }

    // MARK: trendline

    @Test("trendline slope: zero for a steady queue, ~(rate − capacity) / rate for a growing one")
    func trendline() {
        var steady = TrendlineEstimator()
        var growing = TrendlineEstimator()
        var steadySample = TrendlineEstimator.Sample(trend: 0, modifiedTrend: 0, deltaCount: 0)
        var growingSample = steadySample
        for index in 0..<100 {
            let arrival = Duration.seconds(2) + .milliseconds(12 * index)
            steadySample = steady.update(arrivalDelta: .milliseconds(10), sendDelta: .milliseconds(10), arrival: arrival)
            // Sent every 10 ms, arriving every 12 ms: the queue grows 2 ms per group.
            growingSample = growing.update(arrivalDelta: .milliseconds(12), sendDelta: .milliseconds(10),
                                           arrival: arrival)
        }
        #expect(steadySample.trend == 0)
        #expect(abs(growingSample.trend - 2.0 / 12) < 0.01, "trend \(growingSample.trend)")
        // Gain: min(deltas, 60) × 4.
        #expect(abs(growingSample.modifiedTrend - growingSample.trend * 240) < 1e-9)
        #expect(growingSample.deltaCount == 100)
    }

    // MARK: detector

    static func sample(_ modified: Double, trend: Double = 0.1, count: Int = 60) -> TrendlineEstimator.Sample {
        TrendlineEstimator.Sample(trend: trend, modifiedTrend: modified, deltaCount: count)
    }

    @Test("overuse needs the trend above the threshold for more than 10 ms and at least 2 samples")
    func overuseDuration() {
        var detector = OveruseDetector()
        var now = Duration.seconds(1)
        #expect(detector.detect(Self.sample(30), sendDelta: .milliseconds(5), at: now) == .normal)
        now += .milliseconds(5)
        // 2.5 + 5 ms: two samples, but only 7.5 ms.
        #expect(detector.detect(Self.sample(30, trend: 0.11), sendDelta: .milliseconds(5), at: now) == .normal)
        now += .milliseconds(5)
        #expect(detector.detect(Self.sample(30, trend: 0.12), sendDelta: .milliseconds(5), at: now) == .overusing)
        // Below −threshold: underusing; in between: normal.
        now += .milliseconds(5)
        #expect(detector.detect(Self.sample(-40), sendDelta: .milliseconds(5), at: now) == .underusing)
        now += .milliseconds(5)
        #expect(detector.detect(Self.sample(0), sendDelta: .milliseconds(5), at: now) == .normal)
    }

    @Test("a falling trend does not confirm overuse; fewer than 2 deltas are always normal")
    func overuseNeedsRisingTrend() {
        var detector = OveruseDetector()
        var now = Duration.seconds(1)
        for trend in [0.5, 0.4, 0.3, 0.2] {
            #expect(detector.detect(Self.sample(30, trend: trend), sendDelta: .milliseconds(20), at: now) == .normal)
            now += .milliseconds(20)
        }
        var young = OveruseDetector()
        #expect(young.detect(Self.sample(500, count: 1), sendDelta: .milliseconds(20), at: now) == .normal)
    }

    @Test("the threshold follows |trend| (up slowly, down fast), ignores spikes and stays within 6...600")
    func adaptiveThreshold() {
        var detector = OveruseDetector()
        var now = Duration.seconds(1)
        #expect(detector.threshold == 12.5)
        for _ in 0..<200 {
            detector.detect(Self.sample(0), sendDelta: .milliseconds(10), at: now)
            now += .milliseconds(10)
        }
        #expect(detector.threshold == 6)
        // A spike far above the threshold (a capacity drop) is not learned.
        detector.detect(Self.sample(100), sendDelta: .milliseconds(10), at: now)
        #expect(detector.threshold == 6)
        // A sustained trend just above the threshold raises it slowly.
        for _ in 0..<50 {
            now += .milliseconds(10)
            detector.detect(Self.sample(20, trend: 0), sendDelta: .milliseconds(10), at: now)
        }
        #expect(detector.threshold > 6 && detector.threshold < 20)
        // Up: 0.0087 × (20 − t) per ms, so after 500 ms most of the way there.
        #expect(detector.threshold > 15, "threshold \(detector.threshold)")
    }

    // MARK: AIMD

    static func control(start: UInt64 = 1_000_000) -> AIMDRateControl {
        AIMDRateControl(configuration: .init(startBitrate: start, minBitrate: 50_000, maxBitrate: 5_000_000))
    }

    @Test("normal usage far from any known capacity grows ~8 % per second")
    func multiplicativeIncrease() {
        var control = Self.control()
        var now = Duration.seconds(10)
        for _ in 0...10 {
            control.update(usage: .normal, acknowledged: control.estimate, at: now)
            now += .milliseconds(100)
        }
        // Ten 100 ms steps after the first (which only leaves hold): 1.08^1.
        let ratio = Double(control.estimate) / 1_000_000
        #expect(abs(ratio - 1.08) < 0.002, "ratio \(ratio)")
        #expect(control.state == .increase)
    }

    @Test("overuse cuts to 0.85 × acknowledged, then holds; near the capacity the increase is additive")
    func decreaseAndAdditive() {
        var control = Self.control(start: 2_000_000)
        var now = Duration.seconds(10)
        control.update(usage: .normal, acknowledged: 2_000_000, at: now)
        now += .milliseconds(300)
        control.update(usage: .overusing, acknowledged: 1_600_000, at: now)
        #expect(control.estimate == 1_360_000)
        #expect(control.state == .hold)
        #expect(control.decreases == 1)
        #expect(control.linkCapacityEstimate == 1_600_000)
        // Within the reduction interval (the RTT, 200 ms by default) a second overuse waits…
        now += .milliseconds(50)
        control.update(usage: .overusing, acknowledged: 1_300_000, at: now)
        #expect(control.estimate == 1_360_000)
        // …unless the receiver sees less than half the estimate.
        control.update(usage: .overusing, acknowledged: 600_000, at: now)
        #expect(control.estimate == 510_000)
        // Underuse holds.
        now += .seconds(1)
        control.update(usage: .underusing, acknowledged: 500_000, at: now)
        #expect(control.estimate == 510_000)

        // Additive near a known capacity: one ~1.2 kB packet per response time, per second.
        var additive = Self.control(start: 1_000_000)
        additive.roundTripTime = .milliseconds(100)
        additive.update(usage: .overusing, acknowledged: 1_000_000, at: now)
        #expect(additive.estimate == 850_000)
        now += .milliseconds(10)
        additive.update(usage: .normal, acknowledged: 850_000, at: now)
        now += .seconds(1)
        additive.update(usage: .normal, acknowledged: 850_000, at: now)
        // 850 kbps at 30 fps: 3541 B frames in 3 packets of ~1180 B; / (2 × (100 + 100) ms) → ~23.6 kbps/s.
        let step = Int64(additive.estimate) - 850_000
        #expect(step > 20_000 && step < 27_000, "additive step \(step)")
    }

    @Test("the increase never runs past 1.5 × acknowledged + 10 kbps, nor the configured bounds")
    func increaseLimits() {
        var control = Self.control(start: 1_000_000)
        var now = Duration.seconds(1)
        for _ in 0..<100 {
            control.update(usage: .normal, acknowledged: 400_000, at: now)
            now += .milliseconds(500)
        }
        #expect(control.estimate == 1_000_000, "already above 1.5 × 400 kbps + 10 kbps: no increase")
        for _ in 0..<400 {
            control.update(usage: .normal, acknowledged: 5_000_000, at: now)
            now += .milliseconds(500)
        }
        #expect(control.estimate == 5_000_000)
        for _ in 0..<40 {
            now += .seconds(1)
            control.update(usage: .overusing, acknowledged: 10_000, at: now)
        }
        #expect(control.estimate == 50_000)
    }

    // MARK: the whole

    @Test("DelayBasedEstimator: a steady path ramps, a growing queue is detected and cut")
    func delayBasedWhole() {
        var estimator = DelayBasedEstimator(configuration: .init(startBitrate: 1_000_000, minBitrate: 50_000,
                                                                 maxBitrate: 5_000_000))
        var send = Duration.seconds(100)
        var arrival = Duration.seconds(7)
        for round in 0..<30 {
            // 100 ms of packets every 5 ms, delivered with a constant delay.
            for _ in 0..<20 {
                estimator.onPacket(PacketTiming(sendTime: send, arrivalTime: arrival, size: 1200))
                send += .milliseconds(5)
                arrival += .milliseconds(5)
            }
            estimator.update(ackedBitrate: estimator.estimate, at: .seconds(1) + .milliseconds(100 * round))
        }
        #expect(estimator.usage == .normal)
        let ramped = estimator.estimate
        #expect(ramped > 1_150_000, "after 3 s of a clean path: \(ramped)")
        // Now the queue grows 1 ms per packet.
        for round in 30..<35 {
            for _ in 0..<20 {
                estimator.onPacket(PacketTiming(sendTime: send, arrivalTime: arrival, size: 1200))
                send += .milliseconds(5)
                arrival += .milliseconds(6)
            }
            estimator.update(ackedBitrate: 1_000_000, at: .seconds(1) + .milliseconds(100 * round))
        }
        #expect(estimator.usage == .overusing)
        #expect(estimator.decreases >= 1)
        #expect(estimator.estimate == 850_000)
    }
}
