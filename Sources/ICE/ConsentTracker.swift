// Consent freshness (RFC 7675) per remote address: the time of the last valid check from each
// address the peer proved it controls. An address whose last valid check is older than the
// timeout loses consent. Bounded: only the peer (who knows the password) can add entries, but
// a peer hopping across addresses must not grow the table without end.

import STUN

/// Last valid check per address, with expiry.
struct ConsentTracker: Sendable {
    let timeout: Duration
    let capacity: Int
    private(set) var lastValidCheck: [TransportAddress: Duration] = [:]

    init(timeout: Duration, capacity: Int) {
        self.timeout = timeout
        self.capacity = max(capacity, 1)
    }

    func hasConsent(_ address: TransportAddress) -> Bool {
        lastValidCheck[address] != nil
    }

    /// Records a valid check. When the table is full, the least recently checked address other
    /// than `protected` (the selected one) is dropped.
    mutating func refresh(_ address: TransportAddress, at now: Duration, protecting protected: TransportAddress?) {
        lastValidCheck[address] = now
        while lastValidCheck.count > capacity {
            let victim = lastValidCheck.filter { $0.key != protected && $0.key != address }
                .min { $0.value < $1.value }?.key
            guard let victim else { break }
            lastValidCheck[victim] = nil
        }
    }

    /// When the next address loses consent.
    var nextExpiry: Duration? {
        lastValidCheck.values.min().map { $0 + timeout }
    }

    /// Drops every address whose consent ran out at `now`; returns whether `watched` was one.
    mutating func expire(at now: Duration, watched: TransportAddress?) -> Bool {
        guard let next = nextExpiry, next <= now else { return false }
        var watchedExpired = false
        for (address, last) in lastValidCheck where last + timeout <= now {
            lastValidCheck[address] = nil
            if address == watched { watchedExpired = true }
        }
        return watchedExpired
    }

    mutating func removeAll() {
        lastValidCheck.removeAll()
    }
}
