import RTP

/// Puts one stream's RTP packets back in sequence-number order within a small window, and says
/// where packets were lost, so a depacketizer never glues a frame from the wrong pieces.
///
/// Sans-I/O: `insert` takes a packet's bytes and its arrival time (milliseconds); `pop` returns
/// packets in order. A gap waits until the window is full or the oldest waiting packet is older
/// than `maxWaitMilliseconds`; then the reorderer skips it and marks the next packet
/// `afterLoss`. Sequence numbers are unwrapped on arrival (house rule 5); duplicates and packets
/// older than what was already released are dropped and counted. The first packet fixes where the
/// stream starts: a recording begins at the keyframe its subscription was sent first.
public struct PacketReorderer: Sendable {
    public struct Packet: Sendable, Equatable {
        public var sequenceNumber: Int64
        public var arrivalMilliseconds: Int64
        public var bytes: [UInt8]
        /// Packets before this one were skipped as lost.
        public var afterLoss: Bool
    }

    public struct Counters: Sendable, Equatable {
        public var duplicates = 0
        public var late = 0
        public var lost = 0
    }

    public let capacity: Int
    public let maxWaitMilliseconds: Int64
    private var slots: [Packet?]
    private var unwrapper = SequenceNumberUnwrapper()
    /// The next sequence number to release; nil before the first packet.
    private var next: Int64?
    private var waiting = 0
    private var pendingLoss = false
    public private(set) var counters = Counters()

    public init(capacity: Int = 128, maxWaitMilliseconds: Int64 = 200) {
        self.capacity = max(2, capacity)
        self.maxWaitMilliseconds = maxWaitMilliseconds
        slots = Array(repeating: nil, count: self.capacity)
    }

    /// Files one packet (its whole RTP bytes; only the sequence number is read here).
    public mutating func insert(sequenceNumber wire: UInt16, bytes: [UInt8], arrivalMilliseconds: Int64) {
        let sequenceNumber = unwrapper.unwrap(wire)
        guard let expected = next else {
            next = sequenceNumber
            store(Packet(sequenceNumber: sequenceNumber, arrivalMilliseconds: arrivalMilliseconds, bytes: bytes, afterLoss: false))
            return
        }
        if sequenceNumber < expected, expected - sequenceNumber <= Int64(capacity) * 4 {
            counters.late += 1
            return
        }
        // Beyond the window (or far behind it): the stream jumped, lost a burst, or started over
        // from a new random sequence number (a new subscription); what waits is given up and the
        // window restarts at this packet.
        if sequenceNumber < expected || sequenceNumber - expected >= Int64(capacity) {
            counters.lost += max(0, Int(sequenceNumber - expected) - waiting)
            pendingLoss = true
            for i in slots.indices { slots[i] = nil }
            waiting = 0
            next = sequenceNumber
        }
        store(Packet(sequenceNumber: sequenceNumber, arrivalMilliseconds: arrivalMilliseconds, bytes: bytes, afterLoss: false))
    }

    /// The slot of an unwrapped number, which may be negative: a stream's first packet fixes
    /// where unwrapping starts, and one sent before it (reordered, a retransmission) lies below.
    private func slot(of sequenceNumber: Int64) -> Int {
        let remainder = Int(sequenceNumber % Int64(capacity))
        return remainder < 0 ? remainder + capacity : remainder
    }

    private mutating func store(_ packet: Packet) {
        let index = slot(of: packet.sequenceNumber)
        if let existing = slots[index] {
            if existing.sequenceNumber == packet.sequenceNumber {
                counters.duplicates += 1
                return
            }
            counters.late += 1
            return
        }
        slots[index] = packet
        waiting += 1
    }

    /// The next packet in order, or nil when the next one is still awaited. `now` is the
    /// arrival clock: a gap older than `maxWaitMilliseconds` (or a full window) is given up.
    public mutating func pop(now: Int64) -> Packet? {
        guard var expected = next, waiting > 0 else { return nil }
        while true {
            let index = slot(of: expected)
            if let packet = slots[index], packet.sequenceNumber == expected {
                slots[index] = nil
                waiting -= 1
                next = expected + 1
                var out = packet
                out.afterLoss = pendingLoss
                pendingLoss = false
                return out
            }
            guard shouldSkipGap(now: now) else {
                next = expected
                return nil
            }
            counters.lost += 1
            pendingLoss = true
            expected += 1
            next = expected
        }
    }

    /// Releases everything still waiting, in order, gaps marked (the end of a recording).
    public mutating func drain() -> [Packet] {
        var out: [Packet] = []
        while waiting > 0, let packet = pop(now: .max) { out.append(packet) }
        return out
    }

    private func shouldSkipGap(now: Int64) -> Bool {
        if waiting >= capacity - 1 { return true }
        var oldest = Int64.max
        for slot in slots { if let slot { oldest = min(oldest, slot.arrivalMilliseconds) } }
        return now == .max || now - oldest >= maxWaitMilliseconds
    }
}
