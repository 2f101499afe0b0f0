import API
import TestSupport
import Testing

/// The token bucket itself, in virtual time.
@Suite struct TokenBucketLimiterTests {
    @Test func burstThenRefillAtTheRate() {
        var clock = VirtualClock()
        var limiter = TokenBucketLimiter<String>(rule: RateLimit(ratePerSecond: 2, burst: 3))
        for _ in 0..<3 { #expect(limiter.take("a", now: clock.now) == .allowed) }
        #expect(limiter.take("a", now: clock.now) == .limited(retryAfter: .milliseconds(500)))
        clock.advance(by: .milliseconds(499))
        #expect(limiter.take("a", now: clock.now) != .allowed)
        clock.advance(by: .milliseconds(2))
        #expect(limiter.take("a", now: clock.now) == .allowed)
        // A long quiet spell refills to the burst, never beyond it.
        clock.advance(by: .seconds(3600))
        for _ in 0..<3 { #expect(limiter.take("a", now: clock.now) == .allowed) }
        #expect(limiter.take("a", now: clock.now) != .allowed)
    }

    @Test func refusedRequestsDoNotDrainTheBucket() {
        var clock = VirtualClock()
        var limiter = TokenBucketLimiter<String>(rule: RateLimit(ratePerSecond: 1, burst: 1))
        #expect(limiter.take("a", now: clock.now) == .allowed)
        for _ in 0..<10 { _ = limiter.take("a", now: clock.now) }
        clock.advance(by: .seconds(1))
        #expect(limiter.take("a", now: clock.now) == .allowed)
    }

    @Test func costAboveTheBurstIsChargedAsTheBurst() {
        let clock = VirtualClock()
        var limiter = TokenBucketLimiter<String>(rule: RateLimit(ratePerSecond: 1, burst: 4))
        #expect(limiter.take("a", cost: 100, now: clock.now) == .allowed)
        #expect(limiter.take("a", cost: 100, now: clock.now) == .limited(retryAfter: .seconds(4)))
    }

    @Test func keysAreIndependent() {
        let clock = VirtualClock()
        var limiter = TokenBucketLimiter<String>(rule: RateLimit(ratePerSecond: 1, burst: 1))
        #expect(limiter.take("a", now: clock.now) == .allowed)
        #expect(limiter.take("b", now: clock.now) == .allowed)
        #expect(limiter.take("a", now: clock.now) != .allowed)
    }

    @Test func aFloodOfNewKeysStaysWithinMaxKeys() {
        var clock = VirtualClock()
        var limiter = TokenBucketLimiter<Int>(rule: RateLimit(ratePerSecond: 1, burst: 5), maxKeys: 1000)
        var peak = 0
        for key in 0..<20_000 {
            _ = limiter.take(key, now: clock.now)
            peak = max(peak, limiter.trackedKeys)
            if key % 100 == 0 { clock.advance(by: .milliseconds(1)) }
        }
        #expect(peak <= 1000)
        #expect(limiter.trackedKeys > 0)
    }

    @Test func evictionKeepsTheRecentlyLimited() {
        var clock = VirtualClock()
        var limiter = TokenBucketLimiter<Int>(rule: RateLimit(ratePerSecond: 0.001, burst: 1), maxKeys: 100)
        // Key -1 is drained and keeps knocking; the flood of one-off keys must not free it.
        #expect(limiter.take(-1, now: clock.now) == .allowed)
        for key in 0..<1000 {
            clock.advance(by: .milliseconds(1))
            _ = limiter.take(key, now: clock.now)
            #expect(limiter.take(-1, now: clock.now) != .allowed)
        }
    }

    @Test func idleBucketsAreSweptAway() {
        var clock = VirtualClock()
        var limiter = TokenBucketLimiter<Int>(rule: RateLimit(ratePerSecond: 10, burst: 10), sweepInterval: .seconds(60))
        for key in 0..<500 { _ = limiter.take(key, now: clock.now) }
        #expect(limiter.trackedKeys == 500)
        clock.advance(by: .seconds(61))
        _ = limiter.take(9999, now: clock.now)
        #expect(limiter.trackedKeys == 1)
    }

    @Test func aClockStepBackNeitherRefillsNorTraps() {
        var limiter = TokenBucketLimiter<String>(rule: RateLimit(ratePerSecond: 1, burst: 1))
        #expect(limiter.take("a", now: .seconds(100)) == .allowed)
        #expect(limiter.take("a", now: .seconds(50)) != .allowed)
        #expect(limiter.take("a", now: .seconds(101)) == .allowed)
    }

    @Test func nonsenseRulesAreRaisedToWorkingOnes() {
        let rule = RateLimit(ratePerSecond: -.infinity, burst: -3)
        #expect(rule.burst == 1)
        #expect(rule.ratePerSecond > 0)
        var limiter = TokenBucketLimiter<String>(rule: rule)
        #expect(limiter.take("a", now: .zero) == .allowed)
        guard case .limited(let wait) = limiter.take("a", now: .zero) else {
            Issue.record("second request must be limited")
            return
        }
        #expect(wait > .zero)
    }
}
