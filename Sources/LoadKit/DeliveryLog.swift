import Synchronization

/// Chat lines or gifts of a run: when each request went out, whether the API took it, and when a
/// member listening on the room's socket heard it, matched by the id both sides see (a chat
/// line's `clientMessageId`; a gift's transaction id, known from the answer, which may come after
/// the room's event). Latency is arrival − send, both in the caller's milliseconds; a message
/// heard twice counts once. Shared by the senders and the listeners' tasks, hence the lock.
public final class DeliveryLog: Sendable {
    private struct State {
        var sentAt: [String: Double] = [:]
        /// Request key → the id the room's event carries.
        var deliveryID: [String: String] = [:]
        var arrivals: [String: Double] = [:]
        var accepted = 0
        var failed = 0
        var failures: [String: Int] = [:]
        var retries = 0
    }

    private let state = Mutex(State())

    public init() {}

    public func sent(_ key: String, at milliseconds: Double) {
        state.withLock { $0.sentAt[key] = milliseconds }
    }

    /// The API took the request; `deliveryID` is what the room's event will carry.
    public func accepted(_ key: String, deliveryID: String) {
        state.withLock {
            $0.accepted += 1
            $0.deliveryID[key] = deliveryID
        }
    }

    /// The request failed for good (after its retries), with a short reason (an error code).
    public func failed(_ key: String, reason: String) {
        state.withLock {
            $0.failed += 1
            $0.failures[reason, default: 0] += 1
        }
    }

    /// A 429/503 answered and the request was tried again.
    public func retried() { state.withLock { $0.retries += 1 } }

    public func arrived(_ deliveryID: String, at milliseconds: Double) {
        state.withLock { state in
            if state.arrivals[deliveryID] == nil { state.arrivals[deliveryID] = milliseconds }
        }
    }

    public var sentCount: Int { state.withLock { $0.sentAt.count } }

    public struct Summary: Codable, Sendable, Equatable {
        /// Requests sent.
        public var sent: Int
        /// Requests the API accepted.
        public var accepted: Int
        /// Requests that failed for good (after retries), by reason in `failures`.
        public var failed: Int
        public var failures: [String: Int]
        /// 429/503 answers that were waited out and tried again (`Retry-After`).
        public var retries: Int
        /// Accepted messages a listening member heard.
        public var delivered: Int
        /// Send → heard by the listening member.
        public var latencyMilliseconds: Spread?
    }

    public func summary() -> Summary {
        state.withLock { state in
            var latencies: [Double] = []
            for (key, id) in state.deliveryID {
                guard let sent = state.sentAt[key], let heard = state.arrivals[id] else { continue }
                latencies.append(Swift.max(0, heard - sent))
            }
            return Summary(sent: state.sentAt.count, accepted: state.accepted, failed: state.failed,
                           failures: state.failures, retries: state.retries, delivered: latencies.count,
                           latencyMilliseconds: Spread(latencies))
        }
    }
}
