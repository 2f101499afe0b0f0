import RTP

// What the send side remembers of each packet it sent with a transport-wide sequence number, so
// feedback can be matched to send times and sizes: a fixed ring indexed by the unwrapped
// sequence number (no allocation per packet). It does not judge feedback; it only answers
// "was this sent, when, how big, and was it acknowledged already".

struct SentPacketHistory: Sendable {
    /// What feedback said about a packet so far.
    enum Fate: UInt8, Sendable {
        case unreported, lost, received
    }

    struct Entry: Sendable {
        /// Unwrapped sequence number; `Int64.min` marks an empty slot.
        var sequence: Int64 = .min
        var sendTime: Duration = .zero
        var size: Int32 = 0
        /// Probe cluster id, or -1 for none.
        var probeCluster: Int32 = -1
        var fate: Fate = .unreported
    }

    private var entries: [Entry]
    private let mask: Int
    private var unwrapper = SequenceNumberUnwrapper()

    /// `capacity` is rounded up to a power of two (at least 64, at most 2^15 so a wrapped
    /// sequence number always finds at most one candidate).
    init(capacity: Int) {
        var size = 64
        while size < capacity, size < 1 << 15 { size <<= 1 }
        entries = [Entry](repeating: Entry(), count: size)
        mask = size - 1
    }

    var capacity: Int { entries.count }
    var highestSent: Int64? { unwrapper.highest }

    mutating func record(sequenceNumber: UInt16, size: Int, at time: Duration, probeCluster: Int?) {
        let extended = unwrapper.unwrap(sequenceNumber)
        let cluster = probeCluster.map { Int32(clamping: $0) } ?? -1
        entries[slot(extended)] = Entry(sequence: extended, sendTime: time, size: Int32(clamping: Swift.max(0, size)),
                                        probeCluster: cluster < 0 ? -1 : cluster, fate: .unreported)
    }

    /// The slot of a reported sequence number if that packet is still remembered.
    func find(_ sequenceNumber: UInt16) -> Int? {
        guard let highest = unwrapper.highest else { return nil }
        let extended = unwrapper.peek(sequenceNumber)
        // Newer than anything sent, or so old its slot was reused: unknown.
        guard extended <= highest, extended > highest - Int64(entries.count) else { return nil }
        let index = slot(extended)
        return entries[index].sequence == extended ? index : nil
    }

    subscript(slot: Int) -> Entry {
        get { entries[slot] }
        set { entries[slot] = newValue }
    }

    private func slot(_ extended: Int64) -> Int {
        Int(truncatingIfNeeded: extended) & mask
    }
}
