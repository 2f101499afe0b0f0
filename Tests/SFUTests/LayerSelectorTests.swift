import SFU
import Testing
import TestSupport

@Suite("LayerSelector: down promptly, up with hysteresis, keyframe-gated spatial switches, pause/resume")
struct LayerSelectorTests {
    static func layer(_ spatial: Int, _ temporal: Int) -> LayerChoice { .layer(spatial: spatial, temporal: temporal) }

    /// A selector already forwarding `choice` (started at once, keyframe delivered), at `clock.now`.
    static func forwarding(_ choice: LayerChoice, clock: VirtualClock) -> LayerSelector {
        var selector = LayerSelector()
        let first = selector.update(allocated: choice, at: clock.now)
        #expect(first == .keyframeNeeded(spatial: choice.spatial ?? -1))
        let started = selector.keyframeArrived(spatial: choice.spatial ?? -1)
        #expect(started == .layerChanged(spatial: choice.spatial ?? -1, temporal: choice.temporal ?? -1))
        #expect(selector.current == choice)
        return selector
    }

    /// Feeds `choice` every `step` until something happens or `limit` passes; the event and when.
    static func hold(_ choice: LayerChoice, on selector: inout LayerSelector, clock: inout VirtualClock,
                     for limit: Duration, step: Duration = .milliseconds(10),
                     estimate: UInt64? = nil, currentLayerBitrate: UInt64? = nil) -> (LayerSwitch, Duration)? {
        let start = clock.now
        while clock.now - start <= limit {
            if let event = selector.update(allocated: choice, at: clock.now, estimate: estimate,
                                           currentLayerBitrate: currentLayerBitrate) {
                return (event, clock.now - start)
            }
            clock.advance(by: step)
        }
        return nil
    }

    @Test("a new subscription starts at once, on the first keyframe of its layer, without a resume")
    func start() {
        var selector = LayerSelector()
        #expect(selector.current == .paused)
        #expect(selector.update(allocated: Self.layer(1, 1), at: .seconds(10)) == .keyframeNeeded(spatial: 1))
        #expect(selector.keyframeNeeded == 1)
        #expect(selector.current == .paused)
        #expect(selector.keyframeArrived(spatial: 0) == nil)
        #expect(selector.keyframeArrived(spatial: 1) == .layerChanged(spatial: 1, temporal: 1))
        #expect(selector.keyframeNeeded == nil)
        #expect(selector.keyframeArrived(spatial: 1) == nil)
        #expect(selector.changes == 1)
    }

    @Test("down-switch after the allocation wanted lower for 0.5 s; a shorter dip changes nothing")
    func downSwitchTiming() {
        var clock = VirtualClock()
        var selector = Self.forwarding(Self.layer(2, 1), clock: clock)
        // A 400 ms dip: nothing.
        #expect(Self.hold(Self.layer(1, 1), on: &selector, clock: &clock, for: .milliseconds(400)) == nil)
        #expect(selector.update(allocated: Self.layer(2, 1), at: clock.now) == nil)
        #expect(selector.nextDeadline == nil)
        // A lasting one: switches 500 ms after it began, and the deadline said so.
        let began = clock.now
        #expect(selector.update(allocated: Self.layer(1, 1), at: clock.now) == nil)
        #expect(selector.nextDeadline == began + .milliseconds(500))
        let down = Self.hold(Self.layer(1, 1), on: &selector, clock: &clock, for: .seconds(2))
        #expect(down?.0 == .keyframeNeeded(spatial: 1))
        #expect(clock.now - began == .milliseconds(500))
        #expect(selector.current == Self.layer(2, 1))
        #expect(selector.target == Self.layer(1, 1))
        #expect(selector.keyframeArrived(spatial: 1) == .layerChanged(spatial: 1, temporal: 1))
    }

    @Test("down-switch at once when the estimate is under 75 % of the current layer's cost")
    func emergencyDown() {
        var clock = VirtualClock()
        var selector = Self.forwarding(Self.layer(2, 0), clock: clock)
        // 80 %: the usual 0.5 s.
        let mild = Self.hold(Self.layer(1, 0), on: &selector, clock: &clock, for: .seconds(1),
                             estimate: 800_000, currentLayerBitrate: 1_000_000)
        #expect(mild?.1 == .milliseconds(500))
        clock.advance(by: .seconds(10))
        selector = Self.forwarding(Self.layer(2, 0), clock: clock)
        // 70 %: at once.
        let collapse = selector.update(allocated: Self.layer(1, 0), at: clock.now, estimate: 700_000,
                                       currentLayerBitrate: 1_000_000)
        #expect(collapse == .keyframeNeeded(spatial: 1))
    }

    @Test("up-switch only after the allocation wanted higher for 2 s, and not within 4 s of a down-switch")
    func upSwitchHysteresis() {
        var clock = VirtualClock()
        var selector = Self.forwarding(Self.layer(1, 1), clock: clock)
        // 1.9 s of wanting more, then a dip: the wait starts over.
        #expect(Self.hold(Self.layer(2, 1), on: &selector, clock: &clock, for: .milliseconds(1_900)) == nil)
        #expect(selector.update(allocated: Self.layer(1, 1), at: clock.now) == nil)
        let began = clock.now
        let up = Self.hold(Self.layer(2, 1), on: &selector, clock: &clock, for: .seconds(5))
        #expect(up?.0 == .keyframeNeeded(spatial: 2))
        #expect(clock.now - began == .seconds(2))
        #expect(selector.keyframeArrived(spatial: 2) == .layerChanged(spatial: 2, temporal: 1))

        // Down at d (after 0.5 s), then more is wanted at once: the up-switch waits until d + 4 s.
        _ = Self.hold(Self.layer(1, 1), on: &selector, clock: &clock, for: .seconds(1))
        let downAt = clock.now
        #expect(selector.keyframeArrived(spatial: 1) == .layerChanged(spatial: 1, temporal: 1))
        clock.advance(by: .milliseconds(100))
        #expect(selector.update(allocated: Self.layer(2, 1), at: clock.now) == nil)
        #expect(selector.nextDeadline == downAt + .seconds(4))
        let again = Self.hold(Self.layer(2, 1), on: &selector, clock: &clock, for: .seconds(10))
        #expect(again?.0 == .keyframeNeeded(spatial: 2))
        #expect(clock.now - downAt == .seconds(4))
    }

    @Test("temporal switches take effect at once; spatial ones wait for a keyframe of the new layer")
    func temporalAndSpatial() {
        var clock = VirtualClock()
        var selector = Self.forwarding(Self.layer(2, 2), clock: clock)
        let temporal = Self.hold(Self.layer(2, 0), on: &selector, clock: &clock, for: .seconds(1))
        #expect(temporal?.0 == .layerChanged(spatial: 2, temporal: 0))
        #expect(selector.current == Self.layer(2, 0))
        #expect(selector.keyframeNeeded == nil)

        let spatial = Self.hold(Self.layer(0, 0), on: &selector, clock: &clock, for: .seconds(1))
        #expect(spatial?.0 == .keyframeNeeded(spatial: 0))
        // Until the keyframe comes, the old layer keeps flowing, whatever else arrives.
        for _ in 0..<50 {
            clock.advance(by: .milliseconds(20))
            #expect(selector.update(allocated: Self.layer(0, 0), at: clock.now) == nil)
        }
        #expect(selector.current == Self.layer(2, 0))
        #expect(selector.keyframeNeeded == 0)
        #expect(selector.keyframeArrived(spatial: 2) == nil)
        #expect(selector.keyframeArrived(spatial: 0) == .layerChanged(spatial: 0, temporal: 0))
        #expect(selector.current == Self.layer(0, 0))
    }

    @Test("a resume still waiting for its keyframe is dropped at once when nothing fits again")
    func pendingResumeCancelled() {
        var clock = VirtualClock()
        var selector = Self.forwarding(Self.layer(1, 0), clock: clock)
        // Paused pending resume: dropped at once when the allocation says paused again.
        clock.advance(by: .seconds(10))
        _ = Self.hold(.paused, on: &selector, clock: &clock, for: .seconds(2))
        #expect(selector.isPauseAnnounced)
        let resume = Self.hold(Self.layer(0, 0), on: &selector, clock: &clock, for: .seconds(3))
        #expect(resume?.0 == .keyframeNeeded(spatial: 0))
        #expect(selector.update(allocated: .paused, at: clock.now) == nil)
        #expect(selector.keyframeNeeded == nil)
        #expect(selector.keyframeArrived(spatial: 0) == nil)
        #expect(selector.current == .paused)
    }

    @Test("an up-switch still waiting for its keyframe is dropped when the allocation falls back")
    func pendingUpCancelled() {
        var clock = VirtualClock()
        var selector = Self.forwarding(Self.layer(1, 0), clock: clock)
        let up = Self.hold(Self.layer(2, 0), on: &selector, clock: &clock, for: .seconds(3))
        #expect(up?.0 == .keyframeNeeded(spatial: 2))
        // The keyframe is slow; meanwhile the allocation goes back to the layer still flowing.
        let back = Self.hold(Self.layer(1, 0), on: &selector, clock: &clock, for: .seconds(1))
        #expect(back == nil)
        #expect(selector.keyframeNeeded == nil)
        #expect(selector.target == Self.layer(1, 0))
        #expect(selector.keyframeArrived(spatial: 2) == nil)
        #expect(selector.current == Self.layer(1, 0))
    }

    @Test("pause after the allocation said paused for 1 s; resume after a layer fitted for 2 s")
    func pauseResume() {
        var clock = VirtualClock()
        var selector = Self.forwarding(Self.layer(0, 1), clock: clock)
        // Half a second of nothing fitting: no pause.
        #expect(Self.hold(.paused, on: &selector, clock: &clock, for: .milliseconds(500)) == nil)
        #expect(selector.update(allocated: Self.layer(0, 1), at: clock.now) == nil)
        let pause = Self.hold(.paused, on: &selector, clock: &clock, for: .seconds(3))
        #expect(pause.map { $0.0 == .paused && $0.1 == .seconds(1) } == true)
        #expect(selector.current == .paused)
        #expect(selector.isPauseAnnounced)
        // Fits for 1.5 s, then not: stays paused, and is not announced twice.
        #expect(Self.hold(Self.layer(0, 0), on: &selector, clock: &clock, for: .milliseconds(1_500)) == nil)
        #expect(Self.hold(.paused, on: &selector, clock: &clock, for: .seconds(2)) == nil)
        let resume = Self.hold(Self.layer(0, 0), on: &selector, clock: &clock, for: .seconds(3))
        #expect(resume.map { $0.0 == .keyframeNeeded(spatial: 0) && $0.1 == .seconds(2) } == true)
        #expect(selector.keyframeArrived(spatial: 0) == .resumed(spatial: 0, temporal: 0))
        #expect(!selector.isPauseAnnounced)
        #expect(selector.current == Self.layer(0, 0))
        #expect(selector.changes == 3)
    }

    @Test("a subscription that never fits is announced paused after 1 s, then resumes")
    func neverStarted() {
        var clock = VirtualClock()
        var selector = LayerSelector()
        let pause = Self.hold(.paused, on: &selector, clock: &clock, for: .seconds(2))
        #expect(pause.map { $0.0 == .paused && $0.1 == .seconds(1) } == true)
        let resume = Self.hold(Self.layer(0, 0), on: &selector, clock: &clock, for: .seconds(3))
        #expect(resume?.1 == .seconds(2))
        #expect(selector.keyframeArrived(spatial: 0) == .resumed(spatial: 0, temporal: 0))
    }

    /// Estimate around the 720p boundary of `BitrateAllocatorTests.ladder` (1.0 M for S2T0), moved
    /// by `wave` (a factor, 0.85…1.15, of time since start) for 30 s; allocations every 100 ms,
    /// keyframes 100 ms after they are asked for. Returns (selector changes, raw allocation changes).
    static func oscillate(seed: UInt64, _ wave: (Duration, inout SeededGenerator) -> Double) -> (Int, Int) {
        var clock = VirtualClock()
        var random = SeededGenerator(seed: seed)
        let start = clock.now
        let boundary = 1_000_000.0
        var selector = LayerSelector()
        var keyframeAt: (Duration, Int)?
        var rawChanges = 0
        var previous: LayerChoice?
        var events: [LayerSwitch] = []
        while clock.now - start < .seconds(30) {
            let estimate = UInt64(boundary * wave(clock.now - start, &random))
            let allocation = BitrateAllocator.allocate(available: estimate, audio: [],
                                                       video: [.init(track: 1, publisher: 1, layers: BitrateAllocatorTests.ladder)])
            let decision = allocation.decisions[0]
            if let previous, previous != decision.choice { rawChanges += 1 }
            previous = decision.choice
            let currentCost = BitrateAllocatorTests.ladder.first { $0.choice == selector.current }?.bitrate
            if let event = selector.update(allocated: decision.choice, at: clock.now, estimate: decision.budget,
                                           currentLayerBitrate: currentCost) {
                if case let .keyframeNeeded(spatial) = event { keyframeAt = (clock.now + .milliseconds(100), spatial) }
                else { events.append(event) }
            }
            clock.advance(by: .milliseconds(100))
            if let (at, spatial) = keyframeAt, at <= clock.now {
                keyframeAt = nil
                if let event = selector.keyframeArrived(spatial: spatial) { events.append(event) }
            }
        }
        // The first change is the start of the subscription, not a switch.
        return (max(events.count - 1, 0), rawChanges)
    }

    @Test("an estimate wobbling ±15 % around a layer boundary for 30 s switches at most twice",
          arguments: ["square 1 s", "square 2 s", "square 3 s", "triangle 3 s", "random"])
    func noFlapping(wave: String) {
        let (switches, raw) = Self.oscillate(seed: 0xF1A9) { time, random in
            let seconds = time / .seconds(1)
            switch wave {
            case "square 1 s": return seconds.truncatingRemainder(dividingBy: 1) < 0.5 ? 1.15 : 0.85
            case "square 2 s": return seconds.truncatingRemainder(dividingBy: 2) < 1 ? 1.15 : 0.85
            case "square 3 s": return seconds.truncatingRemainder(dividingBy: 3) < 1.5 ? 1.15 : 0.85
            case "triangle 3 s":
                let phase = seconds.truncatingRemainder(dividingBy: 3) / 3  // 0..<1
                return 0.85 + 0.3 * (phase < 0.5 ? phase * 2 : 2 - phase * 2)
            default: return 0.85 + 0.3 * Double(random.next() % 1_000) / 1_000
            }
        }
        #expect(switches <= 2, "\(wave): \(switches) switches")
        // Without the selector the forwarded layer would have changed many times.
        #expect(raw >= 10, "\(wave): \(raw) raw allocation changes")
    }
}
