import Testing
@testable import LoadKit

/// Chat and gift delivery: matched by the id both sides see, whichever comes first, counted once.
struct DeliveryLogTests {
    @Test func latencyRunsFromSendToFirstArrival() throws {
        let log = DeliveryLog()
        log.sent("c1", at: 1000)
        log.sent("c2", at: 1100)
        log.sent("g1", at: 1200)
        log.sent("c3", at: 1300)
        log.accepted("c1", deliveryID: "c1")
        log.arrived("c1", at: 1012)
        log.arrived("c1", at: 1500)  // heard twice: the first counts
        // The room's event may beat the API's answer.
        log.arrived("tx-9", at: 1230)
        log.accepted("g1", deliveryID: "tx-9")
        log.accepted("c2", deliveryID: "c2")  // never heard
        log.retried()
        log.failed("c3", reason: "TOO_MANY_REQUESTS")
        log.arrived("stranger", at: 2000)
        let summary = log.summary()
        #expect(summary.sent == 4 && summary.accepted == 3 && summary.failed == 1 && summary.retries == 1)
        #expect(summary.delivered == 2)
        #expect(summary.failures == ["TOO_MANY_REQUESTS": 1])
        let latency = try #require(summary.latencyMilliseconds)
        #expect(latency.min == 12 && latency.max == 30)
    }

    @Test func nothingHeardIsNoLatency() {
        let log = DeliveryLog()
        log.sent("a", at: 1)
        #expect(log.summary().latencyMilliseconds == nil)
        #expect(log.summary().delivered == 0)
    }
}
