import RTP

/// Puts a VP8 frame back together from its RTP payloads (RFC 7741), for synthetic viewers: the
/// packets of one timestamp, from the one whose descriptor starts partition 0 to the one with the
/// marker, with no sequence number missing between. A frame with a gap is dropped when a later
/// timestamp begins (counted); packets may arrive out of order within a frame.
///
/// Bounded: at most `maxPackets` packets per frame are held. Hostile payloads (no descriptor, a
/// truncated one) are typed errors and change nothing.
public struct VP8FrameAssembler: Sendable {
    public let maxPackets: Int
    /// Frames that never completed (a packet lost), and frames handed out.
    public private(set) var incomplete = 0
    public private(set) var completed = 0

    private var timestamp: UInt32?
    /// Payload bytes after the descriptor, by sequence number.
    private var parts: [UInt16: [UInt8]] = [:]
    private var first: UInt16?
    private var last: UInt16?

    public init(maxPackets: Int = 512) {
        self.maxPackets = max(1, maxPackets)
    }

    /// One RTP packet's payload; the whole frame when this packet completes one.
    public mutating func add(payload: [UInt8], sequenceNumber: UInt16, timestamp: UInt32, marker: Bool)
        throws(SyntheticMediaError) -> [UInt8]?
    {
        let descriptor: VP8PayloadDescriptor
        do {
            descriptor = try VP8PayloadDescriptor(parsing: payload)
        } catch {
            throw .badPayload("\(error)")
        }
        guard descriptor.headerLength <= payload.count else { throw .badPayload("descriptor longer than the payload") }
        if timestamp != self.timestamp {
            if self.timestamp != nil, !parts.isEmpty { incomplete += 1 }
            reset(timestamp)
        }
        guard parts.count < maxPackets else { throw .badPayload("more than \(maxPackets) packets in one frame") }
        parts[sequenceNumber] = Array(payload[descriptor.headerLength...])
        if descriptor.startOfPartition, descriptor.partitionIndex == 0 { first = sequenceNumber }
        if marker { last = sequenceNumber }
        guard let first, let last else { return nil }
        let span = Int(last &- first) + 1
        guard span <= parts.count, span <= maxPackets else { return nil }
        var frame: [UInt8] = []
        var sequence = first
        for _ in 0..<span {
            guard let part = parts[sequence] else { return nil }
            frame += part
            sequence &+= 1
        }
        completed += 1
        reset(nil)
        return frame
    }

    private mutating func reset(_ timestamp: UInt32?) {
        self.timestamp = timestamp
        parts.removeAll(keepingCapacity: true)
        first = nil
        last = nil
    }
}
