/// The reverse map of one subscription: for each output sequence number recently sent, which
/// input packet it was and exactly how it was rewritten, so a viewer's NACK can be answered with
/// the same bytes (from the track's `PacketCache`) and the same rewrite.
///
/// A fixed ring indexed by the low bits of the output sequence number (capacity is a power of
/// two); an entry is valid only when its stored output number matches, so stale slots never
/// answer. Each entry remembers its last retransmission, to send a packet at most once per
/// suppression interval however many NACKs ask for it.
struct ForwardedPacketHistory: Sendable {
    struct Entry: Sendable {
        var outputSequenceNumber: Int64
        var inputSequenceNumber: Int64
        /// The source epoch the input came from (which layer, for a simulcast subscription).
        var epoch: UInt32
        var rewrite: RTPRewrite
        var lastRetransmission: Duration?
    }

    private var entries: [Entry]
    private let mask: Int

    init(capacity: Int) {
        let size = powerOfTwo(atLeast: capacity)
        mask = size - 1
        entries = Array(repeating: Entry(outputSequenceNumber: .min, inputSequenceNumber: .min, epoch: 0,
                                         rewrite: RTPRewrite(ssrc: 0, sequenceNumber: 0, timestamp: 0, payloadType: 0, marker: false),
                                         lastRetransmission: nil),
                        count: size)
    }

    var capacity: Int { mask + 1 }

    mutating func record(output: Int64, input: Int64, epoch: UInt32, rewrite: RTPRewrite) {
        entries[Int(truncatingIfNeeded: output) & mask] = Entry(outputSequenceNumber: output, inputSequenceNumber: input,
                                                                epoch: epoch, rewrite: rewrite, lastRetransmission: nil)
    }

    /// Whether `output` was already sent for input `input`.
    func contains(output: Int64, input: Int64) -> Bool {
        let entry = entries[Int(truncatingIfNeeded: output) & mask]
        return entry.outputSequenceNumber == output && entry.inputSequenceNumber == input
    }

    func entry(output: Int64) -> Entry? {
        let entry = entries[Int(truncatingIfNeeded: output) & mask]
        return entry.outputSequenceNumber == output ? entry : nil
    }

    mutating func markRetransmitted(output: Int64, at now: Duration) {
        let index = Int(truncatingIfNeeded: output) & mask
        if entries[index].outputSequenceNumber == output { entries[index].lastRetransmission = now }
    }
}
