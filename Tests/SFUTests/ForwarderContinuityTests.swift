import RTP
import SFU
import Testing
import TestSupport

/// What a viewer sees across source changes, pauses and 16-bit wraps: one continuous stream.
@Suite("Forwarder: continuity across source changes, pauses and wraps")
struct ForwarderContinuityTests {
    static func videoForwarder(initialSequenceNumber: UInt16 = 100, initialTimestamp: UInt32 = 1000) -> Forwarder {
        Forwarder(configuration: .init(kind: .video, codec: .vp8, clockRate: 90_000, ssrc: 0xBEEF, payloadType: 96,
                                       initialSequenceNumber: initialSequenceNumber, initialTimestamp: initialTimestamp))
    }

    @Test("a new source epoch continues seq +1, timestamp by the wall-clock gap, picture id and TL0 +1")
    func sourceChange() throws {
        var forwarder = Self.videoForwarder()
        // Epoch 0: frames of 2 packets every 33 ms (2970 ticks), picture ids 500..., TL0 7...
        var last: RTPRewrite?
        for frame in 0..<10 {
            for part in 0..<2 {
                let packet = TestPackets.incoming(Int64(2000 + frame * 2 + part), ts: Int64(10_000 + frame * 2970),
                                                  key: frame == 0 && part == 0, marker: part == 1, epoch: 0,
                                                  at: Int64(frame * 33), pictureID: UInt16(500 + frame),
                                                  tl0: UInt8(7 + frame))
                let rewrite = try #require(forwarder.translate(packet, at: packet.arrival).rewrite)
                last = rewrite
            }
        }
        let before = try #require(last)
        #expect(before.sequenceNumber == 119)
        #expect(before.vp8PictureID == 509)
        // Epoch 1 (publisher reconnected): unrelated numbers, first packet 50 ms after the last one.
        let delta = TestPackets.incoming(65_536 * 3 + 10, ts: 777_777, key: false, epoch: 1, at: 9 * 33 + 40,
                                         pictureID: 3, tl0: 200)
        // Not a keyframe: the viewer keeps what it had, the new source waits.
        #expect(forwarder.translate(delta, at: delta.arrival) == .drop(.waitingForKeyframe))
        let key = TestPackets.incoming(65_536 * 3 + 11, ts: 777_777, key: true, epoch: 1, at: 9 * 33 + 50,
                                       pictureID: 4, tl0: 201)
        let after = try #require(forwarder.translate(key, at: key.arrival).rewrite)
        #expect(after.sequenceNumber == before.sequenceNumber &+ 1)
        #expect(after.timestamp == before.timestamp &+ 50 * 90)
        #expect(after.vp8PictureID == 510)
        #expect(after.vp8TL0PictureIndex == 17)
        #expect(after.ssrc == before.ssrc)
        // And the new epoch keeps its own offsets afterwards.
        let next = TestPackets.incoming(65_536 * 3 + 12, ts: 777_777 + 2970, epoch: 1, at: 9 * 33 + 83, pictureID: 5, tl0: 202)
        let following = try #require(forwarder.translate(next, at: next.arrival).rewrite)
        #expect(following.sequenceNumber == after.sequenceNumber &+ 1)
        #expect(following.timestamp == after.timestamp &+ 2970)
        #expect(following.vp8PictureID == 511)
        // A straggler of the old source is not forwarded any more.
        let straggler = TestPackets.incoming(2021, ts: 40_000, epoch: 0, at: 9 * 33 + 90)
        #expect(forwarder.translate(straggler, at: straggler.arrival) == .drop(.staleSource))
    }

    @Test("while video waits for the new source's keyframe, the old source keeps flowing")
    func oldSourceFlowsUntilSwitch() {
        var forwarder = Self.videoForwarder()
        _ = forwarder.translate(TestPackets.incoming(1, ts: 0, key: true, epoch: 0), at: .zero)
        #expect(forwarder.translate(TestPackets.incoming(70_000, ts: 0, epoch: 1, at: 5), at: .zero) == .drop(.waitingForKeyframe))
        let old = forwarder.translate(TestPackets.incoming(2, ts: 3000, epoch: 0, at: 10), at: .zero)
        #expect(old.rewrite?.sequenceNumber == 101)
        #expect(forwarder.currentEpoch == 0)
    }

    @Test("audio switches source at once, with the timestamp advanced by the wall-clock gap")
    func audioSourceChange() throws {
        var forwarder = Forwarder(configuration: .init(kind: .audio, codec: .opus, clockRate: 48_000, ssrc: 9,
                                                       payloadType: 111, initialSequenceNumber: 65_535,
                                                       initialTimestamp: 4_294_967_000))
        let first = try #require(forwarder.translate(TestPackets.incoming(10, ts: 960, epoch: 0, at: 0), at: .zero).rewrite)
        #expect(first.sequenceNumber == 65_535)
        let switched = try #require(forwarder.translate(TestPackets.incoming(900_000, ts: 5, epoch: 1, at: 100), at: .zero).rewrite)
        #expect(switched.sequenceNumber == 0)
        #expect(switched.timestamp == 4_294_967_000 &+ 4800)
    }

    @Test("mute drops everything; audio resumes at once with no sequence gap and the source's own timestamps")
    func audioPause() throws {
        var forwarder = Forwarder(configuration: .init(kind: .audio, codec: .opus, clockRate: 48_000, ssrc: 9,
                                                       payloadType: 111, initialSequenceNumber: 10, initialTimestamp: 0))
        for index in 0..<5 {
            _ = forwarder.translate(TestPackets.incoming(Int64(100 + index), ts: Int64(index * 960), at: Int64(index * 20)), at: .zero)
        }
        forwarder.setPaused(true)
        for index in 5..<50 {
            let packet = TestPackets.incoming(Int64(100 + index), ts: Int64(index * 960), at: Int64(index * 20))
            #expect(forwarder.translate(packet, at: .zero) == .drop(.paused))
        }
        forwarder.setPaused(false)
        let resumed = try #require(forwarder.translate(TestPackets.incoming(150, ts: 50 * 960, at: 1000), at: .zero).rewrite)
        #expect(resumed.sequenceNumber == 15)
        #expect(resumed.timestamp == 50 * 960)
        // A packet from before the pause can no longer be placed.
        #expect(forwarder.translate(TestPackets.incoming(103, ts: 3 * 960, at: 1001), at: .zero) == .drop(.tooOld))
    }

    @Test("video resumes after a pause only at a keyframe, continuing sequence and picture ids")
    func videoPause() throws {
        var forwarder = Self.videoForwarder()
        _ = forwarder.translate(TestPackets.incoming(1, ts: 0, key: true, pictureID: 40, tl0: 1), at: .zero)
        _ = forwarder.translate(TestPackets.incoming(2, ts: 3000, pictureID: 41, tl0: 2), at: .zero)
        forwarder.setPaused(true)
        #expect(forwarder.isWaitingForKeyframe)
        #expect(forwarder.translate(TestPackets.incoming(3, ts: 6000, pictureID: 42, tl0: 3), at: .zero) == .drop(.paused))
        forwarder.setPaused(false)
        #expect(forwarder.translate(TestPackets.incoming(4, ts: 9000, pictureID: 43, tl0: 4), at: .zero)
            == .drop(.waitingForKeyframe))
        let resumed = try #require(forwarder.translate(TestPackets.incoming(5, ts: 12_000, key: true, pictureID: 44, tl0: 5),
                                                       at: .zero).rewrite)
        #expect(resumed.sequenceNumber == 102)
        #expect(resumed.timestamp == 13_000)  // same source: its clock kept running
        #expect(resumed.vp8PictureID == 42)
        #expect(resumed.vp8TL0PictureIndex == 3)
        #expect(!forwarder.isWaitingForKeyframe)
    }

    @Test("picture ids wrap at 15 bits")
    func pictureIDWrap() throws {
        var forwarder = Self.videoForwarder()
        let first = try #require(forwarder.translate(TestPackets.incoming(1, ts: 0, key: true, epoch: 0, pictureID: 0x7FFE), at: .zero).rewrite)
        #expect(first.vp8PictureID == 0x7FFE)
        _ = forwarder.translate(TestPackets.incoming(2, ts: 3000, epoch: 0, pictureID: 0x7FFF), at: .zero)
        let switched = try #require(forwarder.translate(TestPackets.incoming(70_000, ts: 0, key: true, epoch: 1, pictureID: 9), at: .zero).rewrite)
        #expect(switched.vp8PictureID == 0)
    }

    @Test("70,000 packets through a 16-bit wrap: output advances by exactly one each time")
    func wrap() throws {
        let plan = MediaStreamPlan.audio(initialSequenceNumber: 60_000, initialTimestamp: 4_294_000_000)
        var analyzer = PacketAnalyzer(ssrc: 0x1234, codec: .opus)
        var forwarder = Forwarder(configuration: .init(kind: .audio, codec: .opus, clockRate: 48_000, ssrc: 7,
                                                       payloadType: 111, initialSequenceNumber: 65_000,
                                                       initialTimestamp: 4_294_967_000))
        var previous: RTPRewrite?
        var wraps = 0
        for index in 0..<70_000 {
            let planned = plan.packet(index)
            let bytes = try TestPackets.opus(planned, ssrc: 0x1234)
            let packet = try #require(try analyzer.analyze(bytes, at: planned.sendTime))
            let rewrite = try #require(forwarder.translate(packet, at: planned.sendTime).rewrite)
            if let previous {
                guard rewrite.sequenceNumber == previous.sequenceNumber &+ 1, rewrite.timestamp == previous.timestamp &+ 960 else {
                    Issue.record("discontinuity at packet \(index): \(previous) → \(rewrite)")
                    return
                }
                if rewrite.sequenceNumber < previous.sequenceNumber { wraps += 1 }
            }
            previous = rewrite
        }
        #expect(wraps == 2)  // 65000 + 70000 crosses 65536 twice
        #expect(forwarder.packetCount == 70_000)
    }
}
