import Testing
@testable import LoadKit

/// The run's schedule: publishers before viewers, the ramp's pace, churn's bounded leaves and joins.
struct ScenarioPlanTests {
    @Test func publishersComeFirstThenViewersRoundRobinAtTheRampPace() {
        let plan = ScenarioPlan(.init(rooms: 2, guests: 1, viewers: 3, duration: 30, rampPerSecond: 4))
        #expect(plan.steps.count == 2 * (1 + 1 + 3))
        let roles = plan.steps.prefix(4).map { step -> ScenarioPlan.Role? in
            if case .join(_, let role, _) = step.action { role } else { nil }
        }
        #expect(roles == [.host, .guest, .host, .guest])
        if case .join(let room, .viewer, 0) = plan.steps[4].action { #expect(room == 0) } else { Issue.record("\(plan.steps[4])") }
        if case .join(let room, .viewer, 0) = plan.steps[5].action { #expect(room == 1) } else { Issue.record("\(plan.steps[5])") }
        // 4 a second: the tenth peer asks 2.25 s after the first.
        #expect(plan.steps[9].at == 2.25)
        #expect(plan.churnJoins == 0)
    }

    @Test func withoutARampEveryoneJoinsAtOnce() {
        let plan = ScenarioPlan(.init(rooms: 1, guests: 0, viewers: 5, duration: 10))
        #expect(plan.steps.allSatisfy { $0.at == 0 })
        #expect(plan.steps.count == 6)
    }

    @Test func churnReplacesTheOldestViewersAndStopsBeforeTheEnd() {
        let plan = ScenarioPlan(.init(rooms: 1, guests: 0, viewers: 3, duration: 10, churnPerSecond: 2))
        let churn = plan.steps.filter { $0.at > 0 }
        // From 1 s after the ramp to 8.5 s (10 − 1.5), every half second: 16 leaves and 16 joins.
        #expect(plan.churnJoins == 16)
        #expect(churn.count == 32)
        #expect(churn.allSatisfy { $0.at >= 1 && $0.at <= 8.5 })
        guard case .leave(0, let first) = churn[0].action, case .join(0, .viewer, let joined) = churn[1].action else {
            Issue.record("\(churn.prefix(2))")
            return
        }
        #expect(first == 0 && joined == 3)
        if case .leave(0, let second) = churn[2].action { #expect(second == 1) }
        // The viewer that came in by churn leaves again only after the first three did.
        if case .leave(0, let fourth) = churn[6].action { #expect(fourth == 3) }
        #expect(plan.viewerSlots(room: 0) == 3 + 16)
    }

    @Test func churnIsBounded() {
        let plan = ScenarioPlan(.init(rooms: 1, guests: 0, viewers: 2, duration: 3600, churnPerSecond: 50, maxChurnJoins: 100))
        #expect(plan.churnJoins == 100)
    }
}
