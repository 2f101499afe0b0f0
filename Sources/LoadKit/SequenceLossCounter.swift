/// Packet loss of one RTP stream from its sequence numbers, as RFC 3550 (A.3) counts it: expected
/// = highest extended sequence number − first + 1, lost = expected − received (duplicates and
/// retransmissions can make it negative; it is reported as zero then). Sequence numbers are
/// unwrapped to 64 bits on arrival; a jump of more than half the space backwards is read as old.
public struct SequenceLossCounter: Sendable, Equatable {
    public private(set) var received = 0
    private var first: Int64?
    private var highest: Int64 = 0

    public init() {}

    /// Records one packet; returns the sequence numbers newly skipped over (at most `maxGap` of
    /// them, for a NACK), empty when it is in order, late or a repeat.
    @discardableResult
    public mutating func record(_ sequenceNumber: UInt16, maxGap: Int = 64) -> [UInt16] {
        received += 1
        guard first != nil else {
            first = Int64(sequenceNumber)
            highest = Int64(sequenceNumber)
            return []
        }
        let delta = Int64(Int16(bitPattern: sequenceNumber &- UInt16(truncatingIfNeeded: highest)))
        let extended = highest + delta
        guard extended > highest else { return [] }
        let skipped = extended - highest - 1
        highest = extended
        guard skipped > 0, skipped <= Int64(maxGap) else { return [] }
        return (1...skipped).map { UInt16(truncatingIfNeeded: extended - $0) }.reversed()
    }

    public var expected: Int { first.map { Int(highest - $0 + 1) } ?? 0 }
    public var lost: Int { Swift.max(0, expected - received) }
}
