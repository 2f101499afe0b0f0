// Remembers the transaction ids of recent valid checks. STUN has no replay protection of its own:
// a nominating check captured on the path and resent verbatim from another address would verify
// and move the peer's media there. A real peer's retransmission reuses the id only from the same
// address, and every new check gets a new random id, so the same id from another address is a
// replay.


import STUN
/// A fixed ring of the last `capacity` valid checks (transaction id and source).
struct CheckReplayGuard: Sendable {
    private var entries: [(id: STUNTransactionID, source: TransportAddress)?]
    private var next = 0

    init(capacity: Int = 32) {
        entries = Array(repeating: nil, count: max(1, capacity))
    }

    enum Verdict: Equatable {
        /// Not seen before: answer and act on it.
        case fresh
        /// Seen from the same address: a retransmission; answer it again.
        case retransmission
        /// Seen from another address: a replay; drop it.
        case replay
    }

    mutating func judge(_ id: STUNTransactionID, from source: TransportAddress) -> Verdict {
        for case let entry? in entries where entry.id == id {
            return entry.source == source ? .retransmission : .replay
        }
        entries[next] = (id, source)
        next = (next + 1) % entries.count
        return .fresh
    }
}
