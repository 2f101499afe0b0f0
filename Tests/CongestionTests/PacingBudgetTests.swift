import Congestion
import Testing
import TestSupport

@Suite("PacingBudget: bytes allowed now at the pacing rate, and padding up to a target")
struct PacingBudgetTests {
    /// Sends `size`-byte packets whenever allowed, checking every 1 ms for `duration`; returns bytes sent.
    static func drain(_ budget: inout PacingBudget, from start: Duration, for duration: Duration,
                      size: Int = 1200) -> Int {
        var sent = 0
        var now = start
        while now < start + duration {
            while budget.canSend(bytes: size, at: now) {
                budget.consume(bytes: size, at: now)
                sent += size
            }
            now += .milliseconds(1)
        }
        return sent
    }

    @Test("an always-ready sender is held to 2.5 × the target")
    func pacingRate() {
        var budget = PacingBudget(targetBitrate: 1_000_000)
        let sent = Self.drain(&budget, from: .seconds(10), for: .seconds(2))
        // 2.5 Mbps for 2 s = 625,000 bytes, plus the initial bucket and one packet of overdraft.
        #expect(sent >= 620_000 && sent <= 625_000 + 1500 + 1200, "sent \(sent)")
    }

    @Test("bursts are bounded by 20 ms at the pacing rate, however long the sender was idle")
    func burstBound() {
        var budget = PacingBudget(targetBitrate: 4_000_000)
        // Idle for a minute, then everything at once: 10 Mbps × 20 ms = 25,000 bytes.
        _ = budget.canSend(bytes: 0, at: .seconds(1))
        var burst = 0
        while budget.canSend(bytes: 1200, at: .seconds(61)) {
            budget.consume(bytes: 1200, at: .seconds(61))
            burst += 1200
        }
        #expect(burst >= 25_000 && burst <= 25_000 + 1200, "burst \(burst)")
        let more = budget.canSend(bytes: 1200, at: .seconds(61))
        #expect(!more)
        // The debt is paid back at the pacing rate: next send when the bucket is positive again.
        let next = budget.nextSendTime(at: .seconds(61))
        #expect(next > .seconds(61) && next < .seconds(61) + .milliseconds(2))
        let ready = budget.canSend(bytes: 1200, at: next)
        #expect(ready)
    }

    @Test("padding fills the gap between media and the padding target, within the pacing rate")
    func padding() {
        var budget = PacingBudget(targetBitrate: 2_000_000)
        var now = Duration.seconds(5)
        budget.setRates(target: 2_000_000, padding: 1_000_000, at: now)
        let initial = budget.paddingBudget(at: now)
        #expect(initial == 0, "nothing earned yet")
        var media = 0
        var padding = 0
        for step in 0..<1000 {
            now += .milliseconds(1)
            // Media at 400 kbps: 1000 bytes every 20 ms.
            if step % 20 == 0, budget.canSend(bytes: 1000, at: now) {
                budget.consume(bytes: 1000, at: now)
                media += 1000
            }
            let allowed = budget.paddingBudget(at: now)
            if allowed >= 200 {
                budget.consume(bytes: allowed, at: now)
                padding += allowed
            }
        }
        // Over one second: media + padding ≈ 1 Mbps (125,000 bytes).
        #expect(media == 50_000)
        #expect(abs(media + padding - 125_000) < 3000, "media \(media), padding \(padding)")
        // No padding target, no padding.
        budget.setRates(target: 2_000_000, padding: 0, at: now)
        let none = budget.paddingBudget(at: now + .seconds(1))
        #expect(none == 0)
    }

    @Test("time going backwards earns nothing; a huge consume leaves a bounded debt")
    func hostileTimes() {
        var budget = PacingBudget(targetBitrate: 800_000)
        _ = budget.canSend(bytes: 1, at: .seconds(10))
        budget.consume(bytes: Int.max / 2, at: .seconds(10))
        let earlier = budget.canSend(bytes: 1, at: .seconds(9))
        let same = budget.canSend(bytes: 1, at: .seconds(10))
        #expect(!earlier && !same)
        // Debt is at most 500 ms at the pacing rate (2 Mbps → 125,000 bytes).
        #expect(budget.mediaTokens >= -125_000)
        let repaid = budget.canSend(bytes: 1, at: .seconds(10) + .milliseconds(501))
        #expect(repaid)
    }
}
