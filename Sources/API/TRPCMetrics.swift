import Synchronization

/// Counts of the control API's calls by procedure and answer code, and their latency, rendered
/// in Prometheus' text format for `/metrics`. Labels come only from registered procedure names,
/// never from the request (an unknown path counts as `unknown`, a request refused as a whole as
/// `request`), so a client cannot grow the series without bound. A lock is fine here: this is
/// the API path, a few thousand calls a second, not the media path.
public final class TRPCMetrics: Sendable {
    /// Upper bounds of the latency buckets, in seconds.
    public static let bucketBounds: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

    struct Latency {
        var buckets = [Int](repeating: 0, count: TRPCMetrics.bucketBounds.count + 1)
        var sumSeconds = 0.0
        var count = 0

        mutating func record(_ seconds: Double) {
            let index = TRPCMetrics.bucketBounds.firstIndex { seconds <= $0 } ?? TRPCMetrics.bucketBounds.count
            buckets[index] += 1
            sumSeconds += seconds
            count += 1
        }
    }

    struct CallKey: Hashable {
        var procedure: String
        var code: String
    }

    struct State {
        var calls: [CallKey: Int] = [:]
        var latency: [String: Latency] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// One call's answer (`OK` or the tRPC error code) and how long its request took.
    func record(procedure: String, code: String, seconds: Double) {
        state.withLock { state in
            state.calls[CallKey(procedure: procedure, code: code), default: 0] += 1
            state.latency[procedure, default: Latency()].record(seconds)
        }
    }

    /// How many calls of `procedure` answered `code` so far.
    public func calls(procedure: String, code: String) -> Int {
        state.withLock { $0.calls[CallKey(procedure: procedure, code: code)] ?? 0 }
    }

    /// `chobi_api_calls_total` and `chobi_api_call_duration_seconds`, sorted by labels.
    public func prometheusText() -> String {
        let snapshot = state.withLock { $0 }
        var out = "# HELP chobi_api_calls_total Control API calls, by procedure and answer (OK or the tRPC error code).\n"
        out += "# TYPE chobi_api_calls_total counter\n"
        for (key, count) in snapshot.calls.sorted(by: { ($0.key.procedure, $0.key.code) < ($1.key.procedure, $1.key.code) }) {
            out += "chobi_api_calls_total{procedure=\"\(key.procedure)\",code=\"\(key.code)\"} \(count)\n"
        }
        let name = "chobi_api_call_duration_seconds"
        out += "# HELP \(name) From a request's arrival to its answer being built, per call.\n"
        out += "# TYPE \(name) histogram\n"
        for (procedure, latency) in snapshot.latency.sorted(by: { $0.key < $1.key }) {
            var cumulative = 0
            for (index, count) in latency.buckets.enumerated() {
                cumulative += count
                let le = index < Self.bucketBounds.count ? "\(Self.bucketBounds[index])" : "+Inf"
                out += "\(name)_bucket{procedure=\"\(procedure)\",le=\"\(le)\"} \(cumulative)\n"
            }
            out += "\(name)_sum{procedure=\"\(procedure)\"} \(latency.sumSeconds)\n"
            out += "\(name)_count{procedure=\"\(procedure)\"} \(latency.count)\n"
        }
        return out
    }
}
