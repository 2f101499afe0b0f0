/// The range map of one forwarding segment: which input sequence numbers the forwarder dropped
/// (padding-only packets), and so which offset maps each input sequence number to the output.
///
/// Every in-order drop lowers the offset of everything after it by one, so the output has no
/// hole where a dropped packet was. A late packet (reordered, or a retransmission filling an
/// upstream gap) must use the offset that was in effect at its own position, not the current
/// one: the map answers that. Runs of consecutive drops share one entry. The map keeps the last
/// `capacity` runs in a fixed ring; when an old run falls out, everything up to its end becomes
/// `unknown` (the forwarder drops such packets as too old) — correctness over completeness.
struct SequenceOffsetMap: Sendable, Equatable {
    /// A run of dropped input sequence numbers and the offset after it.
    struct Run: Sendable, Equatable {
        var first: Int64
        var last: Int64
        var offsetAfter: Int64
    }

    enum Lookup: Equatable {
        case offset(Int64)
        case dropped
        case unknown
    }

    private var runs: [Run]
    private var head = 0
    private var count = 0
    /// Sequence numbers at or below this are unknown.
    private var floor: Int64 = .min
    /// The offset in effect above `floor` and before the oldest kept run.
    private var floorOffset: Int64 = 0
    /// The offset of the next in-order packet.
    private(set) var currentOffset: Int64 = 0

    init(capacity: Int) {
        runs = Array(repeating: Run(first: 0, last: 0, offsetAfter: 0), count: max(capacity, 1))
    }

    /// Starts a segment: sequence numbers from `first` map with `offset`; earlier ones are unknown.
    mutating func reset(first: Int64, offset: Int64) {
        head = 0
        count = 0
        floor = first - 1
        floorOffset = offset
        currentOffset = offset
    }

    /// Records an in-order drop of `sequenceNumber` (higher than everything recorded so far).
    mutating func recordDrop(_ sequenceNumber: Int64) {
        currentOffset -= 1
        if count > 0 {
            let newest = (head + count - 1) % runs.count
            if runs[newest].last == sequenceNumber - 1 {
                runs[newest].last = sequenceNumber
                runs[newest].offsetAfter = currentOffset
                return
            }
        }
        if count == runs.count {
            let oldest = runs[head]
            floor = oldest.last
            floorOffset = oldest.offsetAfter
            head = (head + 1) % runs.count
            count -= 1
        }
        runs[(head + count) % runs.count] = Run(first: sequenceNumber, last: sequenceNumber, offsetAfter: currentOffset)
        count += 1
    }

    /// The offset for a packet at `sequenceNumber` (at or below the highest recorded position).
    func lookup(_ sequenceNumber: Int64) -> Lookup {
        guard sequenceNumber > floor else { return .unknown }
        var index = count - 1
        while index >= 0 {
            let run = runs[(head + index) % runs.count]
            if sequenceNumber > run.last { return .offset(run.offsetAfter) }
            if sequenceNumber >= run.first { return .dropped }
            index -= 1
        }
        return .offset(floorOffset)
    }
}
