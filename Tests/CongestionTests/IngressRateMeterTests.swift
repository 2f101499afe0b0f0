import Congestion
import Testing
import TestSupport

@Suite("IngressRateMeter: bytes over the last second, in 100 ms buckets")
struct IngressRateMeterTests {
    @Test("a steady 800 kbit/s reads as such; the rate forgets a stream that stopped within a second")
    func steadyThenSilent() {
        var clock = VirtualClock()
        var meter = IngressRateMeter()
        for _ in 0..<200 {  // 1,000 bytes every 10 ms for 2 s
            meter.record(bytes: 1_000, at: clock.now)
            clock.advance(by: .milliseconds(10))
        }
        let rate = meter.bitrate(at: clock.now)
        #expect((720_000...880_000).contains(rate), "\(rate)")
        clock.advance(by: .milliseconds(1_100))
        #expect(meter.bitrate(at: clock.now) == 0)
        meter.record(bytes: 500, at: clock.now)
        #expect(meter.bitrate(at: clock.now) == 4_000)
    }
}
