import RTP

/// Asks a publisher for the packets that did not arrive (RFC 4585 generic NACK), sans-I/O.
///
/// Feed every arrival (track-space sequence numbers, retransmissions included) to
/// `packetArrived`; a jump forward records the skipped numbers as missing. `pollNACK(at:rtt:…)`,
/// called when `nextDeadline` passes, returns a NACK listing the numbers that are due: first
/// `initialDelay` after the gap was seen (a little reordering should not cost a NACK), then again
/// every RTT (at least `minimumRetryInterval`) until they arrive, `maxRetries` NACKs went out,
/// or they are older than `maxAge` or `maxPacketAge` packets behind — then it gives up (counted;
/// the room asks for a keyframe instead). A gap wider than `capacity` clears the list and asks
/// for a keyframe right away: retransmitting that much would arrive too late to matter.
///
/// Missing numbers are kept in ascending order in a fixed ring (no allocation per packet); the
/// NACK value itself is built only when one is sent.
public struct NackGenerator: Sendable {
    public struct Configuration: Sendable, Equatable {
        public var initialDelay: Duration = .milliseconds(10)
        public var minimumRetryInterval: Duration = .milliseconds(20)
        public var maxRetries = 10
        public var maxAge: Duration = .seconds(1)
        public var maxPacketAge: Int64 = 3000
        /// Missing packets tracked at once.
        public var capacity = 512
        /// Sequence numbers listed in one NACK at most (keeps it inside one datagram).
        public var maxPerNACK = 256

        public init() {}
    }

    /// What one arrival meant.
    public enum Arrival: Sendable, Equatable {
        /// The next packet in order (or the first one).
        case inOrder
        /// A jump forward: `missing` numbers were added to the list.
        case gap(missing: Int)
        /// A packet that was missing arrived.
        case recovered
        /// A late packet that was not (or no longer) missing: reordered, duplicate, or given up.
        case late
        /// A gap too wide to repair: the list was cleared; ask for a keyframe.
        case keyframeNeeded
    }

    private struct Entry: Sendable {
        var sequenceNumber: Int64
        var detectedAt: Duration
        var lastSentAt: Duration?
        var retries: Int
        var done: Bool
    }

    public let configuration: Configuration
    private var entries: [Entry]
    private var head = 0
    private var count = 0
    private var highest: Int64?
    /// An earliest time at which `pollNACK` may have work; may be early, never late.
    private var deadline: Duration?

    /// Sequence numbers NACKed at least once.
    public private(set) var requested = 0
    /// Missing packets that arrived after all.
    public private(set) var recovered = 0
    /// Missing packets given up on.
    public private(set) var givenUp = 0

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        entries = Array(repeating: Entry(sequenceNumber: 0, detectedAt: .zero, lastSentAt: nil, retries: 0, done: true),
                        count: max(configuration.capacity, 1))
    }

    /// Numbers currently missing (not yet recovered or given up).
    public var missingCount: Int {
        var total = 0
        for index in 0..<count where !entries[(head + index) % entries.count].done { total += 1 }
        return total
    }

    /// The missing sequence numbers, ascending (for tests and diagnostics).
    public var missingSequenceNumbers: [Int64] {
        (0..<count).map { entries[(head + $0) % entries.count] }.filter { !$0.done }.map(\.sequenceNumber)
    }

    /// When `pollNACK` should next run; nil when nothing is missing.
    public var nextDeadline: Duration? { count == 0 ? nil : deadline }

    /// Forgets everything (a new source epoch).
    public mutating func reset() {
        head = 0
        count = 0
        highest = nil
        deadline = nil
    }

    /// Records the arrival of `sequenceNumber` at `now`.
    @discardableResult
    public mutating func packetArrived(_ sequenceNumber: Int64, at now: Duration) -> Arrival {
        guard let top = highest else {
            highest = sequenceNumber
            return .inOrder
        }
        if sequenceNumber == top + 1 {
            highest = sequenceNumber
            return .inOrder
        }
        if sequenceNumber > top {
            highest = sequenceNumber
            let missing = sequenceNumber - top - 1
            if missing > Int64(entries.count) {
                givenUp += missingCount
                head = 0
                count = 0
                deadline = nil
                return .keyframeNeeded
            }
            for lost in top + 1..<sequenceNumber { append(lost, at: now) }
            let due = now + configuration.initialDelay
            deadline = min(deadline ?? due, due)
            return .gap(missing: Int(missing))
        }
        guard let index = find(sequenceNumber) else { return .late }
        entries[index].done = true
        recovered += 1
        trimFront()
        return .recovered
    }

    private mutating func append(_ sequenceNumber: Int64, at now: Duration) {
        if count == entries.count {
            if !entries[head].done { givenUp += 1 }
            head = (head + 1) % entries.count
            count -= 1
        }
        entries[(head + count) % entries.count] = Entry(sequenceNumber: sequenceNumber, detectedAt: now, lastSentAt: nil,
                                                        retries: 0, done: false)
        count += 1
    }

    /// Binary search in the ascending ring; the index of a not-done entry for `sequenceNumber`.
    private func find(_ sequenceNumber: Int64) -> Int? {
        var low = 0
        var high = count - 1
        while low <= high {
            let middle = (low + high) / 2
            let index = (head + middle) % entries.count
            let value = entries[index].sequenceNumber
            if value == sequenceNumber { return entries[index].done ? nil : index }
            if value < sequenceNumber { low = middle + 1 } else { high = middle - 1 }
        }
        return nil
    }

    private mutating func trimFront() {
        while count > 0, entries[head].done {
            head = (head + 1) % entries.count
            count -= 1
        }
    }

    /// Gives up on what is too old, and returns a NACK for every missing number that is due at
    /// `now` (nil when none is), spacing retries by `rtt`.
    public mutating func pollNACK(at now: Duration, rtt: Duration, senderSSRC: UInt32, mediaSSRC: UInt32) -> GenericNACK? {
        var due: [UInt16] = []
        var next: Duration?
        let retryInterval = max(rtt, configuration.minimumRetryInterval)
        for offset in 0..<count {
            let index = (head + offset) % entries.count
            var entry = entries[index]
            guard !entry.done else { continue }
            let tooOld = now - entry.detectedAt >= configuration.maxAge
                || (highest ?? entry.sequenceNumber) - entry.sequenceNumber > configuration.maxPacketAge
            if tooOld || entry.retries >= configuration.maxRetries {
                entry.done = true
                givenUp += 1
                entries[index] = entry
                continue
            }
            let dueAt = entry.lastSentAt.map { $0 + retryInterval } ?? entry.detectedAt + configuration.initialDelay
            if dueAt <= now, due.count < configuration.maxPerNACK {
                if due.isEmpty { due.reserveCapacity(min(count, configuration.maxPerNACK)) }
                due.append(UInt16(truncatingIfNeeded: entry.sequenceNumber))
                entry.lastSentAt = now
                entry.retries += 1
                requested += entry.retries == 1 ? 1 : 0
                entries[index] = entry
                let again = min(now + retryInterval, entry.detectedAt + configuration.maxAge)
                next = min(next ?? again, again)
            } else {
                let expiry = entry.detectedAt + configuration.maxAge
                // Due but over this NACK's limit: due again at once, in the next NACK.
                let candidate = min(max(dueAt, now), expiry)
                next = min(next ?? candidate, candidate)
            }
        }
        trimFront()
        deadline = next
        guard !due.isEmpty else { return nil }
        return GenericNACK(senderSSRC: senderSSRC, mediaSSRC: mediaSSRC, lostSequenceNumbers: due)
    }
}
