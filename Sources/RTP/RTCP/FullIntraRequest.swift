/// FIR: a request for a decoder refresh point (RFC 5104 §4.3.1, PSFB FMT 4).
///
/// ```
/// |V=2|P|  FMT=4  |   PT=PSFB=206   |          length             |
/// |                  SSRC of packet sender                        |
/// |             SSRC of media source (unused, 0)                  |
/// |                              SSRC                             |  × N
/// | Seq nr.       |    Reserved (0)                               |
/// ```
public struct FullIntraRequest: RTCPWirePacket {
    public static let format: UInt8 = 4

    /// One FCI entry: the media sender asked, and a command sequence number (repeats of a
    /// request keep it, so the sender can tell a new request from a retransmission).
    public struct Entry: Sendable, Equatable {
        public var ssrc: UInt32
        public var sequenceNumber: UInt8

        public init(ssrc: UInt32, sequenceNumber: UInt8) {
            self.ssrc = ssrc
            self.sequenceNumber = sequenceNumber
        }
    }

    public var senderSSRC: UInt32
    /// RFC 5104 says 0; kept as received.
    public var mediaSSRC: UInt32
    public var entries: [Entry]

    public init(senderSSRC: UInt32, mediaSSRC: UInt32 = 0, entries: [Entry]) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
        self.entries = entries
    }

    public init(parsing packet: UnsafeRawBufferPointer) throws(RTCPError) {
        let (_, body) = try RTCPPacketSlice.body(of: packet, type: .payloadFeedback, format: Self.format)
        guard body.count >= 16, body.count % 8 == 0 else { throw .badLength(declared: body.count, available: packet.count) }
        var reader = RTCPBodyReader(body)
        senderSSRC = try reader.uint32()
        mediaSSRC = try reader.uint32()
        var entries: [Entry] = []
        entries.reserveCapacity(reader.remaining / 8)
        while reader.remaining > 0 {
            let ssrc = try reader.uint32()
            let sequenceNumber = try reader.uint8()
            try reader.skip(3)
            entries.append(Entry(ssrc: ssrc, sequenceNumber: sequenceNumber))
        }
        self.entries = entries
    }

    public var marshalSize: Int { 12 + entries.count * 8 }

    public func marshal(into buffer: UnsafeMutableRawBufferPointer) throws(RTCPError) -> Int {
        guard !entries.isEmpty else { throw .valueOutOfRange("a FIR needs at least one entry") }
        let size = marshalSize
        try Self.requireRoom(size, in: buffer)
        var writer = RTCPBodyWriter(buffer)
        try writer.header(RTCPHeader(count: Self.format, packetType: .payloadFeedback, packetLength: size))
        try writer.uint32(senderSSRC)
        try writer.uint32(mediaSSRC)
        for entry in entries {
            try writer.uint32(entry.ssrc)
            try writer.uint8(entry.sequenceNumber)
            try writer.zeros(3)
        }
        return size
    }
}
