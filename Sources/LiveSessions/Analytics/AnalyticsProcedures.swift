#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import API
import Analytics
import Store

/// `analytics.*`: a host's view of their audience. Only the host of a session sees its stats
/// (FORBIDDEN otherwise); host stats are always the caller's own.
public struct AnalyticsProcedures: Sendable {
    let store: Store
    let facts: ViewerFactsRecorder
    let now: @Sendable () -> Date

    public init(store: Store, facts: ViewerFactsRecorder, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.facts = facts
        self.now = now
    }

    struct SessionInput: Decodable, Sendable {
        var sessionId: String
    }

    struct PeriodInput: Decodable, Sendable {
        var period: String
    }

    public func register(on router: inout TRPCRouter) {
        router.query("analytics.getStreamStats", access: .user) { (input: SessionInput, context) in
            let id = try Identifier.parse(input.sessionId, field: "sessionId")
            let session = try await store.session(id)
            guard session.hostId == (try Identifier.caller(context)) else {
                throw TRPCError.forbidden("only the host sees the stream's analytics")
            }
            // Joins a moment ago are still queued for the sampler's next write.
            try await facts.flush(to: store)
            return StreamStatsPayload(try await store.analytics.stream(sessionId: id, now: now()))
        }
        router.query("analytics.getHostStats", access: .user) { (input: PeriodInput, context) in
            guard let period = StatsPeriod(rawValue: input.period) else {
                throw InputValidation.failure("period", "must be \"day\", \"week\" or \"month\"")
            }
            let host = try Identifier.caller(context)
            let window = period.window(endingAtMs: Int64((now().timeIntervalSince1970 * 1000).rounded(.down)))
            return HostStatsPayload(try await store.analytics.host(hostId: host, window: window, now: now()),
                                    period: period, window: window)
        }
    }
}
