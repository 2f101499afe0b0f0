#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Testing
@testable import LoadKit

/// 429/503 are waited out as the server asks, bounded; everything else is final.
struct RetryPolicyTests {
    @Test func retryAfterSecondsAndDatesAreHonoured() {
        let policy = RetryPolicy(maxAttempts: 4, floor: 0.05, ceiling: 30)
        #expect(policy.decide(status: 429, retryAfter: "2", attempt: 1) == .retry(afterSeconds: 2))
        #expect(policy.decide(status: 503, retryAfter: " 0 ", attempt: 1) == .retry(afterSeconds: 0.05))
        let now = Date(timeIntervalSince1970: 784_111_770)  // Sun, 06 Nov 1994 08:49:30 GMT
        #expect(policy.decide(status: 429, retryAfter: "Sun, 06 Nov 1994 08:49:37 GMT", attempt: 1, now: now)
                == .retry(afterSeconds: 7))
    }

    @Test func withoutAHeaderItBacksOffAndThenGivesUp() {
        let policy = RetryPolicy(maxAttempts: 4)
        #expect(policy.decide(status: 429, retryAfter: nil, attempt: 1) == .retry(afterSeconds: 0.5))
        #expect(policy.decide(status: 429, retryAfter: "soon", attempt: 2) == .retry(afterSeconds: 1))
        #expect(policy.decide(status: 429, retryAfter: nil, attempt: 3) == .retry(afterSeconds: 2))
        #expect(policy.decide(status: 429, retryAfter: "1", attempt: 4) == .giveUp)
    }

    @Test func otherAnswersAndAbsurdWaitsAreFinal() {
        let policy = RetryPolicy(ceiling: 30)
        #expect(policy.decide(status: 400, retryAfter: "1", attempt: 1) == .giveUp)
        #expect(policy.decide(status: 500, retryAfter: nil, attempt: 1) == .giveUp)
        #expect(policy.decide(status: 429, retryAfter: "3600", attempt: 1) == .giveUp)
        #expect(RetryPolicy.seconds(fromRetryAfter: "-1") == nil)
        #expect(RetryPolicy.seconds(fromRetryAfter: "1.5") == nil)
        #expect(RetryPolicy.seconds(fromRetryAfter: "Sun, 32 Nov 1994 08:49:37 GMT") == nil)
    }
}
