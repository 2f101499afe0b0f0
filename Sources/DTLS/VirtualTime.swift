// Runs OpenSSL on the caller's clock. OpenSSL 3.0's DTLS timer reads gettimeofday, which
// CChobiShims interposes with a per-thread override; every OpenSSL call that may arm, check or
// fire the retransmission timer runs inside `VirtualTime.run(at:)`.

import CChobiShims

enum VirtualTime {
    /// Whether libssl's gettimeofday calls reach the interposed definition. If a future link
    /// setup broke this, DTLS timers would silently run on the wall clock instead.
    static let isInterposed: Bool = chobi_virtual_time_is_interposed() == 1

    static func run<T, E: Error>(at instant: Duration, _ body: () throws(E) -> T) throws(E) -> T {
        let (seconds, attoseconds) = instant.components
        if seconds < 0 || attoseconds < 0 {
            // The origin is arbitrary but OpenSSL treats a zero timeval as "no timer": keep it positive.
            chobi_virtual_time_set(0, 0)
        } else {
            chobi_virtual_time_set(seconds, Int32(attoseconds / 1_000_000_000_000))
        }
        defer { chobi_virtual_time_clear() }
        return try body()
    }
}
