import Testing
@testable import SyntheticPeers

@Suite("User-space network impairments on virtual time")
struct NetworkImpairmentTests {
    private func ms(_ value: Double) -> Duration { .nanoseconds(Int64(value * 1e6)) }

    @Test("independent loss: 2 % of 100,000 packets, within 0.2 points, the same with the same seed")
    func independentLoss() {
        var settings = NetworkImpairment.Settings()
        settings.lossPercent = 2
        var a = NetworkImpairment(settings, seed: 42)
        var b = NetworkImpairment(settings, seed: 42)
        var fates: [NetworkImpairment.Fate] = []
        for i in 0..<100_000 {
            let now = ms(Double(i))
            let fate = a.admit(bytes: 1200, at: now)
            #expect(fate == b.admit(bytes: 1200, at: now))
            if i < 1_000 { fates.append(fate) }
            if case .deliver(let at) = fate { #expect(at == now, "no delay asked for") }
        }
        let rate = Double(a.lostRandomly) / 100_000
        #expect(abs(rate - 0.02) < 0.002, "\(rate)")
        #expect(a.dropped == a.lostRandomly && a.delivered + a.dropped == 100_000)
        var c = NetworkImpairment(settings, seed: 43)
        let other = (0..<1_000).map { c.admit(bytes: 1200, at: ms(Double($0))) }
        #expect(other != fates, "another seed, another run")
    }

    @Test("Gilbert–Elliott bursts 5:3: 5 % lost on average, in runs of 3 on average, geometric")
    func burstLoss() {
        var settings = NetworkImpairment.Settings()
        settings.burstLossPercent = 5
        settings.meanBurstPackets = 3
        var impairment = NetworkImpairment(settings, seed: 7)
        var runs: [Int] = []
        var run = 0
        for i in 0..<200_000 {
            if case .drop(let reason) = impairment.admit(bytes: 100, at: ms(Double(i))) {
                #expect(reason == .burst)
                run += 1
            } else if run > 0 {
                runs.append(run)
                run = 0
            }
        }
        let rate = Double(impairment.lostInBursts) / 200_000
        #expect(abs(rate - 0.05) < 0.005, "loss \(rate)")
        let mean = Double(runs.reduce(0, +)) / Double(runs.count)
        #expect(abs(mean - 3) < 0.15, "mean burst \(mean) over \(runs.count) bursts")
        // Geometric with r = 1/3: a third of the bursts are one packet long.
        let single = Double(runs.filter { $0 == 1 }.count) / Double(runs.count)
        #expect(abs(single - 1.0 / 3) < 0.03, "\(single)")
        #expect(runs.contains { $0 >= 10 })
    }

    @Test("fixed delay is exact; jitter stays in 0...J and keeps order unless reordering is allowed")
    func delayAndJitter() {
        var fixed = NetworkImpairment.Settings()
        fixed.delayMilliseconds = 50
        var line = NetworkImpairment(fixed, seed: 1)
        for i in 0..<1_000 {
            #expect(line.admit(bytes: 1000, at: ms(Double(i) * 3.3)) == .deliver(at: ms(Double(i) * 3.3) + .milliseconds(50)))
        }

        var jittery = fixed
        jittery.jitterMilliseconds = 20
        var ordered = NetworkImpairment(jittery, seed: 2)
        jittery.reorder = true
        var reordering = NetworkImpairment(jittery, seed: 2)
        var lastOrdered = Duration.zero
        var lastFree = Duration.zero
        var overtaken = 0
        var maxExtra = Duration.zero
        for i in 0..<10_000 {
            let now = ms(Double(i))
            guard case .deliver(let a) = ordered.admit(bytes: 1000, at: now),
                  case .deliver(let b) = reordering.admit(bytes: 1000, at: now) else {
                Issue.record("nothing should be lost")
                return
            }
            #expect(a >= lastOrdered)
            lastOrdered = a
            #expect(b >= now + .milliseconds(50) && b <= now + .milliseconds(70))
            maxExtra = max(maxExtra, b - now - .milliseconds(50))
            if b < lastFree { overtaken += 1 }
            lastFree = max(lastFree, b)
        }
        #expect(overtaken > 1_000, "packets 1 ms apart with 20 ms of jitter overtake often: \(overtaken)")
        #expect(maxExtra > .milliseconds(19), "the draws reach the top of the range")
    }

    @Test("a 800 kbit/s cap passes exactly 800 kbit/s after its bucket, and its queue never holds more than its bound")
    func capThroughputAndQueue() throws {
        var settings = NetworkImpairment.Settings()
        settings.capBitsPerSecond = 800_000
        settings.bucketBytes = 1500
        settings.queuePackets = 20
        var impairment = NetworkImpairment(settings, seed: 3)
        // 1000-byte packets every 5 ms: 1.6 Mbit/s offered, twice the cap.
        var departures: [Duration] = []
        for i in 0..<2_000 {
            let now = ms(Double(i) * 5)
            if case .deliver(let at) = impairment.admit(bytes: 1000, at: now) {
                #expect(at >= now)
                departures.append(at)
            }
            #expect(impairment.queuedPackets <= 20)
        }
        // Past the bucket's first burst, each 1000-byte packet takes exactly 10 ms at 800 kbit/s.
        let gaps = zip(departures.dropFirst(), departures).map { $0 - $1 }
        #expect(gaps.dropFirst(2).allSatisfy { $0 == .milliseconds(10) }, "\(Set(gaps))")
        // 10 s offered: about half passes (5 s worth at the cap, plus what fills the queue).
        let delivered = impairment.delivered
        #expect((1_000...1_022).contains(delivered), "\(delivered)")
        #expect(impairment.droppedQueueFull == 2_000 - delivered)
        // At the end the queue is full: the last packet leaves 20 x 10 ms after it came.
        let last = try #require(departures.last)
        #expect(last - ms(Double(1_999) * 5) <= .milliseconds(200))
    }

    @Test("under the cap nothing waits and nothing is dropped")
    func underTheCap() {
        var settings = NetworkImpairment.Settings()
        settings.capBitsPerSecond = 800_000
        var impairment = NetworkImpairment(settings, seed: 4)
        for i in 0..<1_000 {
            let now = ms(Double(i) * 20)  // 1000 bytes every 20 ms: 400 kbit/s
            #expect(impairment.admit(bytes: 1000, at: now) == .deliver(at: now))
        }
        #expect(impairment.dropped == 0)
    }
}

@Suite("The delay line that holds impaired packets")
struct DelayLineTests {
    @Test("packets come out by release time, ties in arrival order, only when due; slots are reused; the line is bounded")
    func ordering() {
        var line = DelayLine(maxPackets: 4, slotSize: 16)
        let times: [Duration] = [.milliseconds(30), .milliseconds(10), .milliseconds(30), .milliseconds(20)]
        for (index, at) in times.enumerated() {
            let bytes: [UInt8] = [UInt8(index), 0xAA]
            #expect(bytes.withUnsafeBytes { line.push($0, releaseAt: at) })
        }
        #expect([UInt8](repeating: 9, count: 3).withUnsafeBytes { line.push($0, releaseAt: .zero) } == false, "full")
        #expect(line.refused == 1)
        var buffer = [UInt8](repeating: 0, count: 64)
        #expect(line.pop(dueBy: .milliseconds(9), into: &buffer) == nil)
        #expect(line.nextRelease == .milliseconds(10))
        var order: [UInt8] = []
        while let n = line.pop(dueBy: .milliseconds(30), into: &buffer) {
            #expect(n == 2 && buffer[1] == 0xAA)
            order.append(buffer[0])
        }
        #expect(order == [1, 3, 0, 2])
        #expect(line.isEmpty)
        let big = [UInt8](repeating: 1, count: 17)
        #expect(big.withUnsafeBytes { line.push($0, releaseAt: .zero) } == false, "larger than a slot")
        #expect(line.refused == 2)
    }
}
