import Synchronization

/// What viewers received since the last look: the reader threads add to it per packet and per
/// picture, the once-a-second progress loop takes it (and starts a new interval). Makes the
/// per-second time series and the live progress line.
public final class IntervalMeter: Sendable {
    public struct Tally: Sendable, Equatable {
        public var bytes = 0
        public var packets = 0
        /// Sequence numbers skipped over (packets presumed lost; a late one still counts here).
        public var gaps = 0
        public var frames = 0
        public var latencies: [Double] = []

        public init() {}

        public mutating func merge(_ other: Tally) {
            bytes += other.bytes
            packets += other.packets
            gaps += other.gaps
            frames += other.frames
            latencies += other.latencies
        }

        public var lossPercent: Double { packets + gaps == 0 ? 0 : 100 * Double(gaps) / Double(packets + gaps) }
    }

    private let tally = Mutex(Tally())

    public init() {}

    public func packet(bytes: Int, gaps: Int) {
        tally.withLock {
            $0.bytes += bytes
            $0.packets += 1
            $0.gaps += gaps
        }
    }

    public func frame(latencyMilliseconds: Double?) {
        tally.withLock {
            $0.frames += 1
            if let latencyMilliseconds { $0.latencies.append(latencyMilliseconds) }
        }
    }

    /// The interval so far; the next one starts empty.
    public func take() -> Tally {
        tally.withLock { current in
            defer { current = Tally() }
            return current
        }
    }
}
