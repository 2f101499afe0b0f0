import SyntheticPeers

/// The run's clock for control-plane figures (join requests, chat and gift sends and arrivals):
/// CLOCK_MONOTONIC in milliseconds, as a Double, the same clock the media stamps use.
enum RunClock {
    static func milliseconds() -> Double { Double(monotonicNanos()) / 1e6 }

    /// Seconds since `start` (a `milliseconds()` value).
    static func seconds(since start: Double) -> Double { (milliseconds() - start) / 1000 }
}
