import SFU
import Testing
import TestSupport

@Suite("ActiveSpeakerDetector: entry, takeover, hysteresis, hangover, report rate")
struct ActiveSpeakerDetectorTests {
    /// One audio packet: who, RFC 6464 level (-dBov), voice-activity flag.
    typealias Packet = (participant: ParticipantID, level: UInt8, voice: Bool)

    /// Drives a detector as a room would: a packet per participant every 20 ms (what `packets`
    /// returns for the time since `start`), and `poll` exactly when `nextDeadline` says.
    struct Drive {
        var detector: ActiveSpeakerDetector
        var clock = VirtualClock()
        let start: Duration
        /// Every report, at its time since `start`.
        var reports: [(at: Duration, list: [ParticipantID])] = []

        init(_ configuration: ActiveSpeakerDetector.Configuration = .init()) {
            detector = ActiveSpeakerDetector(configuration: configuration)
            start = clock.now
        }

        mutating func run(until end: Duration, step: Duration = .milliseconds(20),
                          _ packets: (Duration) -> [Packet]) {
            while clock.now - start < end {
                let next = clock.now + step
                pollDeadlines(before: next)
                clock.advance(to: next)
                for packet in packets(clock.now - start) {
                    detector.record(participant: packet.participant, level: packet.level, voiceActivity: packet.voice,
                                    at: clock.now)
                }
                pollDeadlines(before: clock.now + .nanoseconds(1))
            }
        }

        mutating func pollDeadlines(before instant: Duration) {
            while let deadline = detector.nextDeadline, deadline < instant {
                clock.advance(to: max(deadline, clock.now))
                if let list = detector.poll(at: clock.now) { reports.append((clock.now - start, list)) }
                // A deadline that does not move forward would spin a real timer.
                #expect(detector.nextDeadline.map { $0 > clock.now } ?? true)
                if let again = detector.nextDeadline, again <= clock.now { return }
            }
        }

        /// The list in force at `time` since start.
        func list(at time: Duration) -> [ParticipantID] {
            reports.last { $0.at <= time }?.list ?? []
        }

        /// First report at or after `time` whose first entry is `participant`.
        func firstDominance(of participant: ParticipantID, after time: Duration) -> Duration? {
            reports.first { $0.at >= time && $0.list.first == participant }?.at
        }
    }

    static let alice: ParticipantID = 1
    static let bob: ParticipantID = 2
    static func talking(_ participant: ParticipantID, level: UInt8 = 20) -> Packet { (participant, level, true) }
    static func silent(_ participant: ParticipantID) -> Packet { (participant, 127, false) }

    @Test("a speaker with a steady tone is listed within 1 s; a silent one never is; silence empties the list")
    func detectsSpeaker() {
        var drive = Drive()
        #expect(drive.detector.nextDeadline == nil)
        drive.run(until: .seconds(3)) { _ in [Self.talking(Self.alice), Self.silent(Self.bob)] }
        let first = drive.reports.first
        #expect(first?.list == [Self.alice])
        // Minimum speaking time is 200 ms: listed at 200 ms, not before.
        #expect(first.map { $0.at >= .milliseconds(200) && $0.at < .seconds(1) } == true)
        #expect(drive.reports.allSatisfy { !$0.list.contains(Self.bob) })
        #expect(drive.detector.dominantSpeaker == Self.alice)

        // Alice stops: she leaves after the 1 s hangover, and then nothing is pending.
        drive.run(until: .seconds(6)) { _ in [Self.silent(Self.alice), Self.silent(Self.bob)] }
        #expect(drive.list(at: .milliseconds(3_900)) == [Self.alice])
        let emptied = drive.reports.first { $0.at >= .seconds(3) && $0.list.isEmpty }?.at
        #expect(emptied.map { $0 >= .seconds(4) && $0 <= .milliseconds(4_300) } == true)
        #expect(drive.detector.nextDeadline == nil)
    }

    @Test("when the other participant takes over, the first entry changes within 1 s of the swap")
    func swap() {
        var drive = Drive()
        drive.run(until: .seconds(3)) { _ in [Self.talking(Self.alice), Self.silent(Self.bob)] }
        #expect(drive.list(at: .seconds(3)) == [Self.alice])
        drive.run(until: .seconds(6)) { _ in [Self.silent(Self.alice), Self.talking(Self.bob)] }
        let takeover = drive.firstDominance(of: Self.bob, after: .seconds(3))
        // ~530 ms: 200 ms of speech to enter, twice as loud as the fading Alice at ~330 ms, held 200 ms.
        #expect(takeover.map { $0 - .seconds(3) < .seconds(1) } == true)
        #expect(takeover.map { $0 - .seconds(3) >= .milliseconds(400) } == true)
        // Alice, silent, stays second for the hangover and then leaves.
        #expect(drive.list(at: takeover ?? .zero) == [Self.bob, Self.alice])
        #expect(drive.list(at: .seconds(6)) == [Self.bob])

        // And back: Alice speaks again, Bob stops.
        drive.run(until: .seconds(9)) { _ in [Self.talking(Self.alice), Self.silent(Self.bob)] }
        let back = drive.firstDominance(of: Self.alice, after: .seconds(6))
        #expect(back.map { $0 - .seconds(6) < .seconds(1) } == true)
    }

    @Test("a louder speaker takes over from a quieter one that keeps talking; a slightly louder one does not")
    func louderTakesOver() {
        // Bob 3 dB louder than Alice (ratio 1.4): no takeover.
        var close = Drive()
        close.run(until: .seconds(2)) { _ in [Self.talking(Self.alice, level: 30), Self.silent(Self.bob)] }
        close.run(until: .seconds(8)) { _ in [Self.talking(Self.alice, level: 30), Self.talking(Self.bob, level: 27)] }
        #expect(close.list(at: .seconds(8)) == [Self.alice, Self.bob])
        #expect(close.detector.dominantChanges == 1)

        // Bob 12 dB louder (ratio 4): takes over although Alice goes on.
        var loud = Drive()
        loud.run(until: .seconds(2)) { _ in [Self.talking(Self.alice, level: 30), Self.silent(Self.bob)] }
        loud.run(until: .seconds(4)) { _ in [Self.talking(Self.alice, level: 30), Self.talking(Self.bob, level: 18)] }
        let takeover = loud.firstDominance(of: Self.bob, after: .seconds(2))
        #expect(takeover.map { $0 - .seconds(2) < .seconds(1) } == true)
        #expect(loud.list(at: .seconds(4)) == [Self.bob, Self.alice])
    }

    @Test("a short shout by a listed speaker (twice as loud for under 200 ms) does not take over")
    func briefShout() {
        var drive = Drive()
        drive.run(until: .seconds(4)) { time in
            let shouting = time > .seconds(3) && time <= .milliseconds(3_080)
            return [Self.talking(Self.alice), Self.talking(Self.bob, level: shouting ? 0 : 40)]
        }
        #expect(drive.list(at: .seconds(1)) == [Self.alice, Self.bob])
        #expect(drive.reports.allSatisfy { $0.list.first == Self.alice })
        #expect(drive.detector.dominantChanges == 1)
    }

    @Test("two speakers alternating every 100 ms at equal level: the dominant one flips at most once a second")
    func alternatingEqualLevels() {
        var drive = Drive()
        drive.run(until: .seconds(20)) { time in
            let aliceTurn = (time / .milliseconds(100)).rounded(.down).truncatingRemainder(dividingBy: 2) == 0
            return aliceTurn ? [Self.talking(Self.alice), Self.silent(Self.bob)]
                             : [Self.silent(Self.alice), Self.talking(Self.bob)]
        }
        // Both are speaking, so both are listed.
        #expect(Set(drive.list(at: .seconds(20))) == [Self.alice, Self.bob])
        var flips: [Duration] = []
        for (previous, report) in zip(drive.reports, drive.reports.dropFirst())
            where previous.list.first != nil && report.list.first != previous.list.first {
            flips.append(report.at)
        }
        for (earlier, later) in zip(flips, flips.dropFirst()) { #expect(later - earlier >= .seconds(1)) }
        // Equal turns never make one twice as loud as the other: in fact no flip at all.
        #expect(flips.isEmpty)
        #expect(drive.detector.dominantChanges == 1)
    }

    @Test("a 50 ms cough does not make a silent participant dominant, nor list them")
    func cough() {
        // While Alice speaks: Bob coughs at full scale (level 0) for 50 ms.
        var drive = Drive()
        drive.run(until: .seconds(5)) { time in
            let coughing = time > .seconds(2) && time <= .milliseconds(2_050)
            return [Self.talking(Self.alice), coughing ? Self.talking(Self.bob, level: 0) : Self.silent(Self.bob)]
        }
        #expect(drive.reports.allSatisfy { $0.list == [Self.alice] })
        #expect(drive.detector.dominantSpeaker == Self.alice)

        // In a silent room: nothing is reported at all.
        var quiet = Drive()
        quiet.run(until: .seconds(5)) { time in
            let coughing = time > .seconds(2) && time <= .milliseconds(2_050)
            return [Self.silent(Self.alice), coughing ? Self.talking(Self.bob, level: 0) : Self.silent(Self.bob)]
        }
        #expect(quiet.reports.isEmpty)
        #expect(quiet.detector.dominantSpeaker == nil)

        // A 300 ms burst is speech, and is listed (the cough case fails for the right reason).
        var speech = Drive()
        speech.run(until: .seconds(3)) { time in
            let speaking = time > .seconds(2) && time <= .milliseconds(2_300)
            return [Self.silent(Self.alice), speaking ? Self.talking(Self.bob, level: 0) : Self.silent(Self.bob)]
        }
        #expect(speech.reports.first?.list == [Self.bob])
    }

    @Test("voice-activity flag: unflagged loud packets are silence unless the flag is not trusted")
    func voiceActivityFlag() {
        var flagged = Drive()
        flagged.run(until: .seconds(2)) { _ in [(Self.alice, 20, false)] }
        #expect(flagged.reports.isEmpty)

        var configuration = ActiveSpeakerDetector.Configuration()
        configuration.trustsVoiceActivity = false
        var levelOnly = Drive(configuration)
        levelOnly.run(until: .seconds(2)) { _ in [(Self.alice, 20, false), (Self.bob, 75, false)] }
        #expect(levelOnly.list(at: .seconds(2)) == [Self.alice])
    }

    @Test("a speaker whose packets stop (muted, DTX, gone) leaves after the hangover")
    func packetsStop() {
        var drive = Drive()
        drive.run(until: .seconds(2)) { _ in [Self.talking(Self.alice), Self.talking(Self.bob, level: 40)] }
        #expect(drive.list(at: .seconds(2)) == [Self.alice, Self.bob])
        drive.run(until: .seconds(4)) { _ in [Self.talking(Self.bob, level: 40)] }
        // Alice's silence fades her, but 20 dB louder takes longer to fade than her hangover: Bob is
        // dominant when she leaves, 1 s after her last packet.
        let takeover = drive.firstDominance(of: Self.bob, after: .seconds(2))
        #expect(takeover.map { $0 >= .seconds(3) && $0 <= .milliseconds(3_050) } == true)
        #expect(drive.list(at: .seconds(4)) == [Self.bob])
    }

    @Test("reports come at most 4 times in any second, however busy the room")
    func reportRate() {
        var configuration = ActiveSpeakerDetector.Configuration()
        configuration.minimumSpeakingTime = .milliseconds(40)
        configuration.pauseTolerance = .milliseconds(40)
        configuration.hangover = .milliseconds(60)
        configuration.switchHoldTime = .milliseconds(20)
        var detector = ActiveSpeakerDetector(configuration: configuration)
        var clock = VirtualClock()
        var random = SeededGenerator(seed: 0x5EA4)
        var levels: [UInt8] = Array(repeating: 127, count: 8)
        var times: [Duration] = []
        for _ in 0..<1_500 {
            clock.advance(by: .milliseconds(20))
            for participant in levels.indices {
                if random.next() % 6 == 0 { levels[participant] = random.next() % 2 == 0 ? 127 : UInt8(random.next() % 60) }
                detector.record(participant: ParticipantID(UInt64(participant)), level: levels[participant],
                                voiceActivity: levels[participant] < 127, at: clock.now)
            }
            // A caller polling far more often than the deadline asks must still be rate limited.
            if detector.poll(at: clock.now) != nil { times.append(clock.now) }
        }
        #expect(times.count >= 40)
        for (earlier, later) in zip(times, times.dropFirst()) { #expect(later - earlier >= .milliseconds(250)) }
        for (earlier, later) in zip(times, times.dropFirst(4)) { #expect(later - earlier >= .seconds(1)) }
    }

    @Test("a removed participant disappears from the next report; a full table evicts the stalest")
    func removeAndEvict() {
        var drive = Drive()
        drive.run(until: .seconds(2)) { _ in [Self.talking(Self.alice), Self.talking(Self.bob, level: 25)] }
        #expect(drive.list(at: .seconds(2)) == [Self.alice, Self.bob])
        drive.detector.remove(participant: Self.alice)
        #expect(drive.detector.dominantSpeaker == nil)
        drive.run(until: .milliseconds(2_500)) { _ in [Self.talking(Self.bob, level: 25)] }
        #expect(drive.list(at: .milliseconds(2_500)) == [Self.bob])
        #expect(drive.reports.last.map { $0.at - .seconds(2) <= .milliseconds(250) } == true)
        drive.detector.remove(participant: 99)  // unknown: no effect

        var configuration = ActiveSpeakerDetector.Configuration()
        configuration.capacity = 4
        var small = Drive(configuration)
        small.run(until: .seconds(1)) { _ in (1...4).map { Self.talking(ParticipantID($0)) } }
        #expect(small.list(at: .seconds(1)).count == 4)
        // A fifth voice evicts one of the four (all equally stale); the list never exceeds the table.
        small.run(until: .milliseconds(2_500)) { _ in [Self.talking(5)] }
        #expect(small.detector.evictions == 1)
        #expect(small.list(at: .milliseconds(2_500)) == [5])
    }

    @Test("the list is capped at maximumListed, dominant first")
    func cap() {
        var configuration = ActiveSpeakerDetector.Configuration()
        configuration.maximumListed = 2
        var drive = Drive(configuration)
        drive.run(until: .seconds(2)) { _ in (1...5).map { Self.talking(ParticipantID($0), level: UInt8(10 + $0)) } }
        let list = drive.list(at: .seconds(2))
        #expect(list.count == 2)
        #expect(list.first == drive.detector.dominantSpeaker)
    }

    @Test("100,000 random events (levels out of range, time jitter, removals) never trap and keep the invariants")
    func hostile() {
        var detector = ActiveSpeakerDetector()
        var random = SeededGenerator(seed: 0xC0FFEE)
        var now = Duration.seconds(1000)
        var lastReport: Duration?
        var reports = 0
        for _ in 0..<100_000 {
            // Mostly forward, sometimes up to 50 ms back (reordering across participants).
            now += .milliseconds(Int64(random.next() % 30)) - .milliseconds(random.next() % 8 == 0 ? 50 : 0 as Int64)
            let participant = ParticipantID(random.next() % 100)  // more than the table holds
            switch random.next() % 100 {
            case 0:
                detector.remove(participant: participant)
            case 1...10:
                if let list = detector.poll(at: now) {
                    reports += 1
                    #expect(list.count <= detector.configuration.maximumListed)
                    #expect(Set(list).count == list.count)
                    if let lastReport { #expect(now - lastReport >= .milliseconds(250)) }
                    lastReport = now
                }
            default:
                detector.record(participant: participant, level: UInt8(truncatingIfNeeded: random.next()),
                                voiceActivity: random.next() % 3 != 0, at: now)
            }
        }
        #expect(detector.packets > 80_000)
        #expect(detector.evictions > 0)
        #expect(reports > 0)
    }
}
