/// Where rate limiting reads time: a `Duration` since a fixed origin, never a wall clock.
/// Tests pass a closure over a `VirtualClock`, so limits are tested in virtual time.
public struct MonotonicClock: Sendable {
    public let now: @Sendable () -> Duration

    public init(now: @escaping @Sendable () -> Duration) {
        self.now = now
    }

    /// The process's `ContinuousClock`, measured from when this value was made.
    public static var continuous: MonotonicClock {
        let origin = ContinuousClock.now
        return MonotonicClock { ContinuousClock.now - origin }
    }
}
