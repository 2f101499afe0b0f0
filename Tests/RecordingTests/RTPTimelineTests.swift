import Testing
@testable import Recording

@Suite struct RTPTimelineTests {
    @Test func anchorsAtArrivalAndCountsInClockTicks() {
        var timeline = RTPTimeline(clockRate: 90_000)
        #expect(timeline.milliseconds(for: 1_000, arrivalMilliseconds: 500) == 500)
        #expect(timeline.milliseconds(for: 1_000 + 90_000, arrivalMilliseconds: 1_700) == 1_500)
    }

    @Test func crossesTheThirtyTwoBitWrap() {
        var timeline = RTPTimeline(clockRate: 48_000)
        let start = UInt32.max - 47_999
        #expect(timeline.milliseconds(for: start, arrivalMilliseconds: 0) == 0)
        #expect(timeline.milliseconds(for: start &+ 96_000, arrivalMilliseconds: 2_000) == 2_000)
        #expect(timeline.milliseconds(for: start &+ 480_000, arrivalMilliseconds: 10_000) == 10_000)
    }

    @Test func neverStepsBack() {
        var timeline = RTPTimeline(clockRate: 90_000)
        _ = timeline.milliseconds(for: 90_000, arrivalMilliseconds: 0)
        let later = timeline.milliseconds(for: 180_000, arrivalMilliseconds: 1_000)
        #expect(timeline.milliseconds(for: 135_000, arrivalMilliseconds: 1_001) == later)
    }
}

@Suite struct RTPTimelineJumpTests {
    @Test func aJumpOfTheRTPClockReanchorsAtArrivalAndTimeGoesOn() {
        var timeline = RTPTimeline(clockRate: 90_000)
        #expect(timeline.milliseconds(for: 1_000, arrivalMilliseconds: 0) == 0)
        #expect(timeline.milliseconds(for: 1_000 + 900_000, arrivalMilliseconds: 10_000) == 10_000)
        // A new subscription: a random timestamp, 30 s after the last frame.
        #expect(timeline.milliseconds(for: 3_000_000_000, arrivalMilliseconds: 40_000) == 40_000)
        #expect(timeline.milliseconds(for: 3_000_000_000 + 90_000, arrivalMilliseconds: 41_020) == 41_000)
        #expect(timeline.reanchors == 1)
    }

    @Test func aJumpThatArrivesEarlyStillKeepsAFrameApart() {
        var timeline = RTPTimeline(clockRate: 90_000, gapAtJumpMilliseconds: 34)
        _ = timeline.milliseconds(for: 0, arrivalMilliseconds: 0)
        // RTP time ran 40 ms ahead of arrival when the old stream ended.
        let last = timeline.milliseconds(for: 90_000 * 5 + 3_600, arrivalMilliseconds: 5_000)
        #expect(last == 5_040)
        #expect(timeline.milliseconds(for: 2_000_000_000, arrivalMilliseconds: 5_010) == 5_074)
    }

    @Test func arrivalJitterWithinTheLimitDoesNotReanchor() {
        var timeline = RTPTimeline(clockRate: 48_000)
        for packet in 0..<1_000 {
            let jitter = Int64((packet * 7919) % 400)  // up to 0.4 s late
            _ = timeline.milliseconds(for: UInt32(packet * 960), arrivalMilliseconds: Int64(packet * 20) + jitter)
        }
        #expect(timeline.reanchors == 0)
        #expect(timeline.milliseconds(for: 1_000 * 960, arrivalMilliseconds: 20_000) == 20_000)
    }
}
