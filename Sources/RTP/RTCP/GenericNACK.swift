/// Generic NACK: the receiver lists lost RTP packets (RFC 4585 §6.2.1, RTPFB FMT 1).
///
/// ```
/// |V=2|P|  FMT=1  |   PT=RTPFB=205  |          length             |
/// |                  SSRC of packet sender                        |
/// |                  SSRC of media source                         |
/// |            PID                |             BLP               |  × N
/// ```
/// PID is a lost sequence number; bit i of BLP (least significant first) marks PID+i+1 lost too.
public struct GenericNACK: RTCPWirePacket {
    public static let format: UInt8 = 1

    /// One FCI entry: a lost packet and a bitmask of the 16 that follow it.
    public struct Pair: Sendable, Equatable {
        public var packetID: UInt16
        public var lostBitmask: UInt16

        public init(packetID: UInt16, lostBitmask: UInt16 = 0) {
            self.packetID = packetID
            self.lostBitmask = lostBitmask
        }

        /// Calls `body` for PID and each sequence number the bitmask marks, in order.
        @inlinable
        public func forEachLost(_ body: (UInt16) -> Void) {
            body(packetID)
            var mask = lostBitmask
            while mask != 0 {
                let bit = mask.trailingZeroBitCount
                body(packetID &+ UInt16(bit + 1))
                mask &= mask - 1
            }
        }
    }

    public var senderSSRC: UInt32
    public var mediaSSRC: UInt32
    /// At least one pair on the wire.
    public var pairs: [Pair]

    public init(senderSSRC: UInt32, mediaSSRC: UInt32, pairs: [Pair]) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
        self.pairs = pairs
    }

    /// Packs lost sequence numbers (ascending, in wrap-around order) into as few pairs as a
    /// greedy walk gives; a number within 16 after the current PID joins its bitmask.
    public init(senderSSRC: UInt32, mediaSSRC: UInt32, lostSequenceNumbers: some Sequence<UInt16>) {
        var pairs: [Pair] = []
        for sequenceNumber in lostSequenceNumbers {
            if let last = pairs.last {
                let distance = sequenceNumber &- last.packetID
                if distance == 0 { continue }
                if distance <= 16 {
                    pairs[pairs.count - 1].lostBitmask |= 1 << (distance - 1)
                    continue
                }
            }
            pairs.append(Pair(packetID: sequenceNumber))
        }
        self.init(senderSSRC: senderSSRC, mediaSSRC: mediaSSRC, pairs: pairs)
    }

    /// Every sequence number the packet reports lost, in wire order.
    public var lostSequenceNumbers: [UInt16] {
        var out: [UInt16] = []
        forEachLostSequenceNumber { out.append($0) }
        return out
    }

    /// Walks the lost sequence numbers without allocating (for answering from a packet cache).
    @inlinable
    public func forEachLostSequenceNumber(_ body: (UInt16) -> Void) {
        for pair in pairs { pair.forEachLost(body) }
    }

    public init(parsing packet: UnsafeRawBufferPointer) throws(RTCPError) {
        let (_, body) = try RTCPPacketSlice.body(of: packet, type: .transportFeedback, format: Self.format)
        guard body.count >= 12, body.count % 4 == 0 else { throw .badLength(declared: body.count, available: packet.count) }
        var reader = RTCPBodyReader(body)
        senderSSRC = try reader.uint32()
        mediaSSRC = try reader.uint32()
        var pairs: [Pair] = []
        pairs.reserveCapacity(reader.remaining / 4)
        while reader.remaining > 0 {
            pairs.append(Pair(packetID: try reader.uint16(), lostBitmask: try reader.uint16()))
        }
        self.pairs = pairs
    }

    public var marshalSize: Int { 12 + pairs.count * 4 }

    public func marshal(into buffer: UnsafeMutableRawBufferPointer) throws(RTCPError) -> Int {
        guard !pairs.isEmpty else { throw .valueOutOfRange("a NACK needs at least one pair") }
        let size = marshalSize
        try Self.requireRoom(size, in: buffer)
        var writer = RTCPBodyWriter(buffer)
        try writer.header(RTCPHeader(count: Self.format, packetType: .transportFeedback, packetLength: size))
        try writer.uint32(senderSSRC)
        try writer.uint32(mediaSSRC)
        for pair in pairs {
            try writer.uint16(pair.packetID)
            try writer.uint16(pair.lostBitmask)
        }
        return size
    }
}
