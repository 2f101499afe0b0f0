// A bitrate over a sliding window of time, in fixed buckets: what the estimators call the
// acknowledged (received) bitrate and the incoming bitrate. O(1) per sample amortized, no
// allocation after init. It keeps no per-packet record and does not smooth beyond the window.
//
// The clock it is fed need not be ours (acknowledged bytes are counted at the receiver's arrival
// times), so a sample far behind the newest one (a clock jump, or hostile feedback) starts the
// window over instead of being lost forever or poisoning the sum.

struct ThroughputWindow: Sendable {
    let bucketLength: Duration
    /// Rates are reported only once samples span at least this long (a young window overstates).
    let minimumSpan: Duration
    private var buckets: [Int]
    /// Absolute index (time / bucket length) of the newest bucket.
    private var newestBucket: Int64?
    private var firstSample: Duration?
    private var newestSample: Duration?
    private var total = 0

    init(window: Duration, bucketLength: Duration, minimumSpan: Duration) {
        let length = Swift.max(bucketLength, .microseconds(100))
        let count = Swift.max(1, Swift.min(Int(window / length), 4096))
        self.bucketLength = length
        self.minimumSpan = minimumSpan
        buckets = [Int](repeating: 0, count: count)
    }

    var window: Duration { bucketLength * buckets.count }

    /// The time of the newest sample.
    var newest: Duration? { newestSample }

    private func bucketIndex(_ time: Duration) -> Int64 {
        // Durations are Int64 seconds plus attoseconds; dividing gives a Double, so clamp it.
        let ratio = time / bucketLength
        guard ratio.isFinite else { return 0 }
        return Int64(BitrateArithmetic.floor(ratio))
    }

    mutating func add(bytes: Int, at time: Duration) {
        let index = bucketIndex(time)
        let count = Int64(buckets.count)
        if let newest = newestBucket {
            if index > newest {
                advance(from: newest, to: index)
            } else if index <= newest - count {
                // Older than the window: a small step back is just late; a large one is a jump.
                guard index < newest - 4 * count else { return }
                reset()
                newestBucket = index
                firstSample = time
            }
        } else {
            newestBucket = index
            firstSample = time
        }
        let slot = Int(((index % count) + count) % count)
        let added = Swift.max(0, bytes)
        buckets[slot] &+= added
        total &+= added
        if let newest = newestSample { newestSample = Swift.max(newest, time) } else { newestSample = time }
        if let first = firstSample, time < first { firstSample = time }
    }

    /// Clears the buckets that slid out of the window between `from` and `to`.
    private mutating func advance(from newest: Int64, to index: Int64) {
        let count = Int64(buckets.count)
        if index - newest >= count {
            for slot in buckets.indices { buckets[slot] = 0 }
            total = 0
        } else {
            var step = newest + 1
            while step <= index {
                let slot = Int(((step % count) + count) % count)
                total &-= buckets[slot]
                buckets[slot] = 0
                step += 1
            }
        }
        newestBucket = index
    }

    /// Bits per second over the window ending at `now` (or over the time since the first sample
    /// when that is shorter); nil before samples span `minimumSpan`.
    mutating func bitrate(at now: Duration) -> UInt64? {
        guard let first = firstSample, let newest = newestBucket else { return nil }
        let index = bucketIndex(now)
        if index > newest { advance(from: newest, to: index) }
        let elapsed = now - first
        guard elapsed >= minimumSpan else { return nil }
        let span = Swift.min(elapsed, window)
        guard let rate = BitrateArithmetic.bitsPerSecond(bytes: Swift.max(0, total), over: span) else { return nil }
        return BitrateArithmetic.bitrate(rate)
    }

    mutating func reset() {
        for slot in buckets.indices { buckets[slot] = 0 }
        total = 0
        newestBucket = nil
        firstSample = nil
        newestSample = nil
    }
}
