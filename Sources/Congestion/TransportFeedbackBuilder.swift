import RTP

/// The receiver half of transport-wide congestion control: records when each transport-wide
/// sequence number arrived from one peer, and every `interval` turns what arrived since the last
/// feedback into a `TransportWideFeedback` packet for that peer's estimator.
///
/// Why a fixed ring and an unwrapped window: arrivals come at packet rate and must not allocate,
/// sequence numbers wrap every 65,536 packets, and a hostile or broken sender can jump, repeat or
/// reorder them. Each number is unwrapped once (house rule 5) and stored at `seq & mask`; the slot
/// remembers which unwrapped number it holds, so a stale slot is never read as a fresh arrival.
/// A packet that arrives after its number was already reported as lost moves the window back to
/// it (when it is still in the ring), so the next feedback corrects the sender's view, as
/// libwebrtc's receiver does. A jump of more than half the ring restarts the window instead of
/// reporting thousands of losses that never happened.
public struct TransportFeedbackBuilder: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// How often feedback goes out while packets arrive (draft: one per RTT or faster;
        /// libwebrtc uses 50–250 ms; browsers ramp fastest at the short end).
        public var interval: Duration
        /// Statuses per feedback packet: 400 keeps the packet under ~700 bytes even when every
        /// delta needs two bytes. More pending packets go out in further packets at once.
        public var maxStatusesPerPacket: Int
        /// Arrivals remembered (a power of two): how far back a late packet can still be reported
        /// and how many packets may arrive between two feedback packets before old ones are lost.
        public var capacity: Int

        public init(interval: Duration = .milliseconds(50), maxStatusesPerPacket: Int = 400, capacity: Int = 2048) {
            self.interval = interval
            self.maxStatusesPerPacket = max(1, min(maxStatusesPerPacket, Int(UInt16.max)))
            self.capacity = PowerOfTwoCapacity.round(capacity)
        }
    }

    public let configuration: Configuration
    private var slotSequence: [Int64]
    private var slotArrival: [Duration]
    private let mask: Int64
    private var unwrapper = SequenceNumberUnwrapper()
    /// The first unwrapped number not yet reported; nil before the first packet.
    private var windowStart: Int64?
    private var highest: Int64 = 0
    private var lastSent: Duration?
    private var feedbackCount: UInt8 = 0
    /// What was dropped and why (hostile or broken senders show up here, not in a trap).
    public private(set) var counters = Counters()

    public struct Counters: Sendable, Equatable {
        public var packets = 0
        public var duplicates = 0
        /// Arrived too late to be reported (older than the ring).
        public var tooOld = 0
        /// Sequence jumps that restarted the window.
        public var restarts = 0
        public var feedbackPackets = 0
        /// Statuses reported as not received (the sender's loss, as we saw it).
        public var reportedLost = 0
        public var reportedReceived = 0
    }

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        slotSequence = Array(repeating: -1, count: configuration.capacity)
        slotArrival = Array(repeating: .zero, count: configuration.capacity)
        mask = Int64(configuration.capacity - 1)
    }

    /// Records one arrival. O(1), no allocation.
    public mutating func packetArrived(_ sequenceNumber: UInt16, at arrival: Duration) {
        counters.packets += 1
        let extended = unwrapper.unwrap(sequenceNumber)
        let capacity = Int64(configuration.capacity)
        guard let start = windowStart else {
            windowStart = extended
            highest = extended
            store(extended, arrival)
            return
        }
        if extended > highest {
            if extended - highest > capacity / 2 {
                // A jump this far is a restarted or broken sender, not loss: start over.
                counters.restarts += 1
                windowStart = extended
            } else if extended - start >= capacity {
                // Feedback fell behind the ring: the oldest unreported arrivals are forgotten.
                windowStart = extended - capacity + 1
            }
            highest = extended
        } else if extended < start {
            guard highest - extended < capacity else {
                counters.tooOld += 1
                return
            }
            if slotSequence[slot(extended)] == extended {
                counters.duplicates += 1
                return
            }
            windowStart = extended  // reported lost already: report again with its arrival
        } else if slotSequence[slot(extended)] == extended {
            counters.duplicates += 1
            return
        }
        store(extended, arrival)
    }

    /// When `poll` has feedback to give; nil while nothing is waiting.
    public var nextDeadline: Duration? {
        guard let start = windowStart, start <= highest else { return nil }
        guard let lastSent else { return .zero }
        return lastSent + configuration.interval
    }

    /// The next feedback packet when one is due at `now` (call again while it returns one:
    /// a long window goes out as several packets).
    public mutating func poll(at now: Duration, senderSSRC: UInt32, mediaSSRC: UInt32) -> TransportWideFeedback? {
        guard let deadline = nextDeadline, deadline <= now, let start = windowStart else { return nil }
        let end = min(highest, start + Int64(configuration.maxStatusesPerPacket) - 1)
        var arrivals: [Duration?] = []
        arrivals.reserveCapacity(Int(end - start + 1))
        var received = 0
        for extended in start...end {
            if slotSequence[slot(extended)] == extended {
                arrivals.append(slotArrival[slot(extended)])
                received += 1
            } else {
                arrivals.append(nil)
            }
        }
        windowStart = end + 1
        // More waiting: the next packet is due at once, not an interval later.
        lastSent = end < highest ? now - configuration.interval : now
        guard received > 0 else { return nil }
        do {
            let feedback = try TransportWideFeedback(
                senderSSRC: senderSSRC, mediaSSRC: mediaSSRC,
                baseSequenceNumber: UInt16(truncatingIfNeeded: start), feedbackPacketCount: feedbackCount,
                arrivalTimes: arrivals)
            feedbackCount &+= 1
            counters.feedbackPackets += 1
            counters.reportedReceived += received
            counters.reportedLost += arrivals.count - received
            return feedback
        } catch {
            // Only a receive delta beyond ±8 s can fail: arrival times that far apart in one
            // window mean the clock origin moved; the sender treats the gap as loss.
            return nil
        }
    }

    private func slot(_ extended: Int64) -> Int { Int(extended & mask) }

    private mutating func store(_ extended: Int64, _ arrival: Duration) {
        let index = slot(extended)
        slotSequence[index] = extended
        slotArrival[index] = arrival
    }
}

/// Rounds a requested capacity to a power of two within sane bounds (ring indexing by mask).
enum PowerOfTwoCapacity {
    static func round(_ requested: Int) -> Int {
        var value = 16
        while value < requested, value < 1 << 16 { value <<= 1 }
        return value
    }
}
