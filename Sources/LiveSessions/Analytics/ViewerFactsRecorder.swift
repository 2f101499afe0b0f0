#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Analytics
import Store
import Synchronization

/// Takes each join's facts (device, OS and browser from the User-Agent; country from the client
/// address) and keeps them in memory until the sampler writes them with its next tick, so a join
/// costs a parse, a lookup in memory and an append: no write on the request's path.
///
/// Bounded: past `maxPending` unwritten facts (a store that stopped answering) new ones are
/// dropped and counted; analytics may lose rows, never the server its memory.
public final class ViewerFactsRecorder: Sendable {
    public static let defaultMaxPending = 50_000

    private struct Pending {
        var facts: [ViewerFacts] = []
        var dropped = 0
    }

    let countries: CountryResolver
    let maxPending: Int
    private let pending = Mutex(Pending())

    public init(countries: CountryResolver, maxPending: Int = ViewerFactsRecorder.defaultMaxPending) {
        self.countries = countries
        self.maxPending = max(1, maxPending)
    }

    /// The facts of one join, as they will be stored.
    public func facts(session: UUID, user: UUID, role: ParticipantRole, userAgent: String?, address: String,
                      at now: Date) -> ViewerFacts {
        let agent = UserAgentParser.parse(userAgent)
        return ViewerFacts(sessionId: session, userId: user, role: role, device: agent.device.rawValue, os: agent.os,
                           osVersion: agent.osVersion, browser: agent.browser, browserVersion: agent.browserVersion,
                           country: countries.country(of: address), joinedAt: now)
    }

    /// Queues the facts of one join for the next write.
    public func note(session: UUID, user: UUID, role: ParticipantRole, userAgent: String?, address: String, at now: Date) {
        let fact = facts(session: session, user: user, role: role, userAgent: userAgent, address: address, at: now)
        pending.withLock { pending in
            guard pending.facts.count < maxPending else {
                pending.dropped += 1
                return
            }
            pending.facts.append(fact)
        }
    }

    /// Everything queued, oldest first, and how many were dropped since the last drain; the queue
    /// is empty afterwards.
    public func drain() -> (facts: [ViewerFacts], dropped: Int) {
        pending.withLock { pending in
            defer { pending = Pending() }
            return (pending.facts, pending.dropped)
        }
    }

    /// Writes what is queued now (the stats procedure calls this so a join a moment ago counts).
    public func flush(to store: Store) async throws(StoreError) {
        let (facts, _) = drain()
        try await store.analytics.record(facts)
    }
}
