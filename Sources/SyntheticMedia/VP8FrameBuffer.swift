import RTP

/// A synthetic viewer's jitter buffer for VP8 (RFC 7741): puts frames back together from their
/// RTP payloads and hands them out in timestamp order. A frame is whole when the packet that
/// starts partition 0, the one with the marker and every sequence number between have arrived,
/// in any order. Several frames may be pending at once, so a retransmission answering a NACK
/// can still complete a frame after later frames began: a frame waits for its missing packets
/// until a later frame is whole and `maxWait` has passed since the frame began, or until more
/// than `maxFrames` are pending; then it is given up (counted) and the later frames go on.
///
/// Each frame out says whether it is `continuous` (its first sequence number follows the last
/// one of the frame handed out before it): a delta frame that is not continuous refers to a
/// picture the decoder never had, and a receiver waits for a keyframe instead of decoding it.
/// So a whole delta frame after a sequence gap waits too (up to `maxWait` from its start): the
/// gap may be a frame lost whole, whose retransmission comes back as an earlier frame.
///
/// Bounded: at most `maxFrames + 1` frames of `maxPacketsPerFrame` packets are held. Hostile
/// payloads (no descriptor, a truncated one) are typed errors and change nothing.
public struct VP8FrameBuffer: Sendable {
    public struct Frame: Sendable, Equatable {
        public var bytes: [UInt8]
        public var timestamp: UInt32
        public var continuous: Bool
        /// The VP8 payload header's P bit is 0 (RFC 6386 §9.1).
        public var isKeyframe: Bool { !bytes.isEmpty && bytes[0] & 0x01 == 0 }
    }

    public let maxFrames: Int
    public let maxPacketsPerFrame: Int
    public let maxWaitMilliseconds: UInt32
    /// Frames given up on (a packet never came), frames handed out, and packets of frames
    /// already handed out or given up (late retransmissions, duplicates).
    public private(set) var incomplete = 0
    public private(set) var completed = 0
    public private(set) var latePackets = 0

    private struct Pending: Sendable {
        var timestamp: Int64
        var startedAt: UInt32
        /// Payload bytes after the descriptor, by sequence number.
        var parts: [UInt16: [UInt8]] = [:]
        var first: UInt16?
        var last: UInt16?
        var isWhole = false
    }

    /// Ascending timestamps.
    private var pending: [Pending] = []
    private var unwrapper = TimestampUnwrapper()
    private var newestOut: Int64?
    private var lastSequenceOut: UInt16?

    public init(maxFrames: Int = 8, maxPacketsPerFrame: Int = 512, maxWaitMilliseconds: UInt32 = 100) {
        self.maxFrames = max(1, maxFrames)
        self.maxPacketsPerFrame = max(1, maxPacketsPerFrame)
        self.maxWaitMilliseconds = maxWaitMilliseconds
        pending.reserveCapacity(self.maxFrames + 1)
    }

    /// Frames held now (whole ones waiting behind an incomplete one included).
    public var pendingFrames: Int { pending.count }

    /// One RTP packet's payload, arrived at `now` (ms); the frames it lets out, in order.
    public mutating func add(payload: [UInt8], sequenceNumber: UInt16, timestamp: UInt32, marker: Bool,
                             nowMilliseconds now: UInt32) throws(SyntheticMediaError) -> [Frame] {
        let descriptor: VP8PayloadDescriptor
        do {
            descriptor = try VP8PayloadDescriptor(parsing: payload)
        } catch {
            throw .badPayload("\(error)")
        }
        guard descriptor.headerLength <= payload.count else { throw .badPayload("descriptor longer than the payload") }
        let unwrapped = unwrapper.unwrap(timestamp)
        if let newestOut, unwrapped <= newestOut {
            latePackets += 1
            return []
        }
        let index: Int
        if let found = pending.firstIndex(where: { $0.timestamp == unwrapped }) {
            index = found
        } else {
            index = pending.firstIndex { $0.timestamp > unwrapped } ?? pending.count
            pending.insert(Pending(timestamp: unwrapped, startedAt: now), at: index)
        }
        guard pending[index].parts.count < maxPacketsPerFrame else {
            throw .badPayload("more than \(maxPacketsPerFrame) packets in one frame")
        }
        if pending[index].parts[sequenceNumber] != nil {
            latePackets += 1
        } else {
            pending[index].parts[sequenceNumber] = Array(payload[descriptor.headerLength...])
        }
        if descriptor.startOfPartition, descriptor.partitionIndex == 0 { pending[index].first = sequenceNumber }
        if marker { pending[index].last = sequenceNumber }
        pending[index].isWhole = Self.isWhole(pending[index])
        return release(at: now)
    }

    private static func isWhole(_ frame: Pending) -> Bool {
        guard let first = frame.first, let last = frame.last else { return false }
        let span = Int(last &- first) + 1
        guard span <= frame.parts.count else { return false }
        var sequence = first
        for _ in 0..<span {
            guard frame.parts[sequence] != nil else { return false }
            sequence &+= 1
        }
        return true
    }

    private mutating func release(at now: UInt32) -> [Frame] {
        var out: [Frame] = []
        while let front = pending.first {
            if front.isWhole, let first = front.first, let last = front.last {
                let continuous = lastSequenceOut.map { first == $0 &+ 1 } ?? false
                let keyframe = (front.parts[first]?.first).map { $0 & 0x01 == 0 } ?? false
                if !continuous, !keyframe, lastSequenceOut != nil, pending.count <= maxFrames,
                   now &- front.startedAt < maxWaitMilliseconds { break }
                var bytes: [UInt8] = []
                var sequence = first
                for _ in 0...Int(last &- first) {
                    bytes += front.parts[sequence] ?? []
                    sequence &+= 1
                }
                out.append(Frame(bytes: bytes, timestamp: UInt32(truncatingIfNeeded: front.timestamp), continuous: continuous))
                completed += 1
                newestOut = front.timestamp
                lastSequenceOut = last
                pending.removeFirst()
                continue
            }
            let waited = now &- front.startedAt >= maxWaitMilliseconds
            guard pending.count > maxFrames || (waited && pending.dropFirst().contains(where: \.isWhole)) else { break }
            // Given up: the next frame out is not continuous, so its receiver waits for a keyframe.
            incomplete += 1
            newestOut = front.timestamp
            pending.removeFirst()
        }
        return out
    }
}
