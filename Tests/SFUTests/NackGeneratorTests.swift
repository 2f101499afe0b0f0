import RTP
import SFU
import Testing
import TestSupport

@Suite("NackGenerator: gaps, timing, retries, give-up")
struct NackGeneratorTests {
    static func configuration(maxRetries: Int = 10) -> NackGenerator.Configuration {
        var configuration = NackGenerator.Configuration()
        configuration.initialDelay = .milliseconds(10)
        configuration.minimumRetryInterval = .milliseconds(20)
        configuration.maxRetries = maxRetries
        configuration.maxAge = .seconds(1)
        return configuration
    }

    /// Runs the generator's timer until it has nothing left; returns when each NACK went out
    /// (relative to `start`) and what it listed.
    static func drain(_ generator: inout NackGenerator, clock: inout VirtualClock, start: Duration,
                      rtt: Duration) -> [(at: Duration, lost: [UInt16])] {
        var sent: [(Duration, [UInt16])] = []
        while let deadline = generator.nextDeadline {
            clock.advance(to: max(deadline, clock.now))
            if let nack = generator.pollNACK(at: clock.now, rtt: rtt, senderSSRC: 1, mediaSSRC: 2) {
                sent.append((clock.now - start, nack.lostSequenceNumbers))
            }
        }
        return sent
    }

    @Test("a gap is NACKed after the initial delay, again every RTT, and dropped once recovered or out of retries")
    func retries() {
        var clock = VirtualClock()
        let start = clock.now
        var generator = NackGenerator(configuration: Self.configuration(maxRetries: 3))
        // Sequence numbers around the 16-bit wrap: 65534, 65535 arrive; 0 and 1 are lost; 2 arrives.
        #expect(generator.packetArrived(65_534, at: clock.now) == .inOrder)
        #expect(generator.packetArrived(65_535, at: clock.now) == .inOrder)
        #expect(generator.packetArrived(65_538, at: clock.now) == .gap(missing: 2))
        #expect(generator.nextDeadline == start + .milliseconds(10))
        #expect(generator.missingSequenceNumbers == [65_536, 65_537])

        clock.advance(by: .milliseconds(10))
        let first = generator.pollNACK(at: clock.now, rtt: .milliseconds(50), senderSSRC: 0x51, mediaSSRC: 0x52)
        #expect(first?.lostSequenceNumbers == [0, 1])
        #expect(first?.senderSSRC == 0x51)
        #expect(first?.mediaSSRC == 0x52)
        #expect(generator.nextDeadline == start + .milliseconds(60))

        clock.advance(by: .milliseconds(20))
        #expect(generator.packetArrived(65_536, at: clock.now) == .recovered)
        #expect(generator.packetArrived(65_536, at: clock.now) == .late)
        let rest = Self.drain(&generator, clock: &clock, start: start, rtt: .milliseconds(50))
        // Two more NACKs for the one still missing (3 in all), then it is given up.
        #expect(rest.map(\.at) == [.milliseconds(60), .milliseconds(110)])
        #expect(rest.allSatisfy { $0.lost == [1] })
        #expect(generator.givenUp == 1)
        #expect(generator.recovered == 1)
        #expect(generator.requested == 2)
        #expect(generator.nextDeadline == nil)
    }

    @Test("retries are spaced by the RTT and stop at the maximum age")
    func maxAge() {
        var clock = VirtualClock()
        let start = clock.now
        var generator = NackGenerator(configuration: Self.configuration())
        generator.packetArrived(10, at: clock.now)
        generator.packetArrived(12, at: clock.now)
        let sent = Self.drain(&generator, clock: &clock, start: start, rtt: .milliseconds(300))
        #expect(sent.map(\.at) == [.milliseconds(10), .milliseconds(310), .milliseconds(610), .milliseconds(910)])
        #expect(clock.now - start == .seconds(1))
        #expect(generator.givenUp == 1)
        #expect(generator.missingCount == 0)
    }

    @Test("retries never come faster than the minimum interval, whatever the RTT says")
    func minimumInterval() {
        var clock = VirtualClock()
        let start = clock.now
        var generator = NackGenerator(configuration: Self.configuration(maxRetries: 4))
        generator.packetArrived(1, at: clock.now)
        generator.packetArrived(3, at: clock.now)
        let sent = Self.drain(&generator, clock: &clock, start: start, rtt: .milliseconds(1))
        #expect(sent.map(\.at) == [.milliseconds(10), .milliseconds(30), .milliseconds(50), .milliseconds(70)])
    }

    @Test("a gap wider than the list clears it and asks for a keyframe instead")
    func tooWide() {
        var generator = NackGenerator(configuration: Self.configuration())
        generator.packetArrived(1, at: .zero)
        generator.packetArrived(3, at: .zero)
        #expect(generator.packetArrived(10_000, at: .zero) == .keyframeNeeded)
        #expect(generator.missingCount == 0)
        #expect(generator.givenUp == 1)
        #expect(generator.nextDeadline == nil)
    }

    @Test("a reordered packet arriving before the NACK is due costs no NACK")
    func reorderWithinDelay() {
        var generator = NackGenerator(configuration: Self.configuration())
        generator.packetArrived(1, at: .zero)
        generator.packetArrived(3, at: .zero)
        generator.packetArrived(2, at: .milliseconds(3))
        let nack = generator.pollNACK(at: .milliseconds(10), rtt: .milliseconds(50), senderSSRC: 1, mediaSSRC: 2)
        #expect(nack == nil)
        #expect(generator.nextDeadline == nil)
    }
}
