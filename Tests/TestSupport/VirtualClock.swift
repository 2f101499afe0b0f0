// Virtual time for sans-I/O cores: time is a Duration since an arbitrary origin, and tests move
// it by hand, so timers and timeouts are tested in microseconds of wall time.

public struct VirtualClock: Sendable {
    public private(set) var now: Duration

    public init(start: Duration = .seconds(1000)) { now = start }

    public mutating func advance(by step: Duration) { now += step }

    public mutating func advance(to instant: Duration) {
        precondition(instant >= now, "virtual time never runs backwards")
        now = instant
    }
}
