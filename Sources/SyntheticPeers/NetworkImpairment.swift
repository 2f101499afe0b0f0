/// A bad network in user space, sans-I/O (this kernel has no `tc netem`): each packet handed to
/// `admit(bytes:at:)` is either dropped, with the reason, or given the time it arrives. Time is
/// a parameter (virtual in tests, CLOCK_MONOTONIC in chobi-load); randomness is a seeded
/// SplitMix64, so a run repeats exactly. `DelayLine` holds the bytes until then.
///
/// The stages, in the order a packet meets them:
/// 1. **Loss**: each packet is lost with probability `lossPercent` / 100, independently.
/// 2. **Burst loss** (Gilbert–Elliott with the simple Gilbert parameters: no loss in the good
///    state, every packet lost in the bad one). Given as the average loss π and the mean burst
///    length L in packets: from bad to good with r = 1/L a packet, from good to bad with
///    p = π·r / (1 − π), so the chain spends π of the packets in the bad state and its bursts
///    (runs of bad packets) are geometric with mean L.
/// 3. **Bandwidth cap**: a token bucket of `capBitsPerSecond` with a depth of `bucketBytes` in
///    front of a FIFO of at most `queuePackets` packets; a packet that finds the queue full is
///    dropped (tail drop, as a router's buffer). A packet leaves when the bucket holds its size.
/// 4. **Delay**: `delayMilliseconds` fixed, plus **jitter**: a random delay drawn uniformly from
///    0...`jitterMilliseconds`. By default jitter never reorders: a packet leaves no earlier
///    than the one before it (as on a path whose delay varies in its queues). With `reorder`,
///    each packet keeps its own draw and may overtake.
public struct NetworkImpairment: Sendable {
    public struct Settings: Sendable, Equatable {
        public var lossPercent = 0.0
        /// Gilbert–Elliott bursts: average loss in percent and mean burst length in packets.
        public var burstLossPercent = 0.0
        public var meanBurstPackets = 1.0
        public var delayMilliseconds = 0.0
        public var jitterMilliseconds = 0.0
        public var reorder = false
        /// Nil: no cap.
        public var capBitsPerSecond: Int?
        public var bucketBytes = 1500
        public var queuePackets = 100

        public init() {}

        /// Whether any stage does something.
        public var isActive: Bool {
            lossPercent > 0 || burstLossPercent > 0 || delayMilliseconds > 0 || jitterMilliseconds > 0 || capBitsPerSecond != nil
        }
    }

    public enum Fate: Sendable, Equatable {
        case deliver(at: Duration)
        case drop(Reason)
    }

    public enum Reason: Sendable, Equatable {
        case loss
        case burst
        case queueFull
    }

    public let settings: Settings
    private var random: SplitMix64
    private let goodToBad: Double
    private let badToGood: Double
    private var bad = false
    private var tokens: Double
    private var tokensAt: Duration?
    private var lastDeparture: Duration = .zero
    /// Departure times of the packets in the cap's queue, oldest first (a ring).
    private var queue: [Duration]
    private var queueHead = 0
    private var queueCount = 0
    private var lastRelease: Duration = .zero

    public private(set) var admitted = 0
    public private(set) var delivered = 0
    public private(set) var lostRandomly = 0
    public private(set) var lostInBursts = 0
    public private(set) var droppedQueueFull = 0

    public init(_ settings: Settings, seed: UInt64) {
        self.settings = settings
        random = SplitMix64(seed: seed)
        let average = min(max(settings.burstLossPercent / 100, 0), 0.99)
        badToGood = 1 / max(1, settings.meanBurstPackets)
        goodToBad = average > 0 ? average * badToGood / (1 - average) : 0
        tokens = Double(max(1, settings.bucketBytes))
        queue = Array(repeating: .zero, count: max(1, settings.queuePackets))
    }

    /// Everything dropped, for any reason.
    public var dropped: Int { lostRandomly + lostInBursts + droppedQueueFull }

    /// Decides the fate of a packet of `bytes` bytes that reaches the impairment at `now`
    /// (calls must come in time order).
    public mutating func admit(bytes: Int, at now: Duration) -> Fate {
        admitted += 1
        if settings.lossPercent > 0, random.nextUnit() < settings.lossPercent / 100 {
            lostRandomly += 1
            return .drop(.loss)
        }
        if goodToBad > 0 {
            // The state this packet sees, then the step to the next packet's.
            let lost = bad
            bad = bad ? random.nextUnit() >= badToGood : random.nextUnit() < goodToBad
            if lost {
                lostInBursts += 1
                return .drop(.burst)
            }
        }
        var departure = now
        if let rate = settings.capBitsPerSecond, rate > 0 {
            guard let leaves = capDeparture(bytes: bytes, rate: Double(rate) / 8, at: now) else {
                droppedQueueFull += 1
                return .drop(.queueFull)
            }
            departure = leaves
        }
        var release = departure + Self.milliseconds(settings.delayMilliseconds)
        if settings.jitterMilliseconds > 0 {
            release += Self.milliseconds(random.nextUnit() * settings.jitterMilliseconds)
        }
        if !settings.reorder { release = max(release, lastRelease) }
        lastRelease = max(lastRelease, release)
        delivered += 1
        return .deliver(at: release)
    }

    /// When the token bucket lets a packet through, or nil when the queue in front is full.
    /// Departures are computed at admission: the queue is FIFO, so each waits for the one before.
    private mutating func capDeparture(bytes: Int, rate bytesPerSecond: Double, at now: Duration) -> Duration? {
        while queueCount > 0, queue[queueHead] <= now {
            queueHead = (queueHead + 1) % queue.count
            queueCount -= 1
        }
        guard queueCount < queue.count else { return nil }
        let depth = Double(max(1, settings.bucketBytes))
        let start = max(now, lastDeparture)
        let since = tokensAt.map { Self.seconds(start - $0) } ?? 0
        var available = min(depth, tokens + since * bytesPerSecond)
        var departure = start
        let size = Double(bytes)
        if available < size {
            // A packet larger than the bucket waits until the bucket is full, then leaves.
            let needed = min(size, depth) - available
            departure = start + .nanoseconds(Int64((needed / bytesPerSecond * 1e9).rounded(.up)))
            available += needed
        }
        tokens = max(0, available - size)
        tokensAt = departure
        lastDeparture = departure
        queue[(queueHead + queueCount) % queue.count] = departure
        queueCount += 1
        return departure
    }

    /// Packets in the cap's queue at the last admission.
    public var queuedPackets: Int { queueCount }

    static func milliseconds(_ value: Double) -> Duration { .nanoseconds(Int64((value * 1e6).rounded())) }

    static func seconds(_ duration: Duration) -> Double {
        let (s, attoseconds) = duration.components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and every seed gives a full-period stream;
/// the impairments only need repeatable, well-spread uniforms.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1), 53 bits.
    mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }
}
