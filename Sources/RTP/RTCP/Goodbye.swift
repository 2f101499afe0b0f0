/// BYE: sources leaving the session, with an optional reason (RFC 3550 §6.6, PT 203, count = SC).
///
/// ```
/// |V=2|P|    SC   |   PT=BYE=203  |             length            |
/// |                           SSRC/CSRC                           |  × SC
/// |     length    |               reason for leaving ...          |  (optional)
/// ```
public struct Goodbye: RTCPWirePacket {
    /// At most 31 sources.
    public var sources: [UInt32]
    /// The reason's bytes (UTF-8 per the RFC); empty when there is none.
    public var reason: [UInt8]

    public init(sources: [UInt32], reason: [UInt8] = []) {
        self.sources = sources
        self.reason = reason
    }

    public init(sources: [UInt32], reason: String) { self.init(sources: sources, reason: Array(reason.utf8)) }

    public var reasonText: String { String(decoding: reason, as: UTF8.self) }

    public init(parsing packet: UnsafeRawBufferPointer) throws(RTCPError) {
        let (header, body) = try RTCPPacketSlice.body(of: packet, type: .goodbye)
        let count = Int(header.count)
        guard body.count >= count * 4 else { throw .badCount(count) }
        var reader = RTCPBodyReader(body)
        var sources: [UInt32] = []
        sources.reserveCapacity(count)
        for _ in 0..<count { sources.append(try reader.uint32()) }
        self.sources = sources
        if reader.remaining > 0 {
            let length = Int(try reader.uint8())
            reason = try reader.bytes(length)
            // Only the zero padding to the next 32-bit boundary may follow.
            guard reader.remaining < 4 else { throw .badLength(declared: body.count, available: reader.offset) }
        } else {
            reason = []
        }
    }

    public var marshalSize: Int { 4 + sources.count * 4 + (reason.isEmpty ? 0 : (1 + reason.count + 3) / 4 * 4) }

    public func marshal(into buffer: UnsafeMutableRawBufferPointer) throws(RTCPError) -> Int {
        guard sources.count <= 31 else { throw .valueOutOfRange("\(sources.count) BYE sources, at most 31") }
        guard reason.count <= 255 else { throw .valueOutOfRange("BYE reason over 255 bytes") }
        let size = marshalSize
        try Self.requireRoom(size, in: buffer)
        var writer = RTCPBodyWriter(buffer)
        try writer.header(RTCPHeader(count: UInt8(sources.count), packetType: .goodbye, packetLength: size))
        for source in sources { try writer.uint32(source) }
        if !reason.isEmpty {
            try writer.uint8(UInt8(reason.count))
            try writer.bytes(reason)
            try writer.padToWord()
        }
        return size
    }
}
