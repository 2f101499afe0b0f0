/// Where one RTCP packet sits in a datagram: its header, its bytes, and its body without padding.
/// Offsets index the buffer the packet was read from; nothing is copied.
public struct RTCPPacketSlice: Sendable, Equatable {
    public let header: RTCPHeader
    /// The whole packet, header and padding included.
    public let range: Range<Int>
    /// After the 4-byte header, before the padding.
    public let bodyRange: Range<Int>

    /// Validates the packet that starts at `offset`: version 2, a length that fits the buffer,
    /// and (when P is set) a padding count of 1...body length.
    public init(parsing buffer: UnsafeRawBufferPointer, at offset: Int) throws(RTCPError) {
        let header = try RTCPHeader(parsing: buffer, at: offset)
        let available = buffer.count - offset
        guard header.packetLength <= available else {
            throw .badLength(declared: header.packetLength, available: available)
        }
        let end = offset + header.packetLength
        var bodyEnd = end
        if header.padding {
            let pad = buffer[end - 1]
            guard pad > 0, Int(pad) <= header.packetLength - RTCPHeader.byteCount else { throw .badPadding(pad) }
            bodyEnd -= Int(pad)
        }
        self.header = header
        self.range = offset..<end
        self.bodyRange = offset + RTCPHeader.byteCount..<bodyEnd
    }

    /// Validates that `packet` holds exactly one packet of `type` (and `format`, for feedback
    /// messages) and returns its body. Used by each typed parser.
    static func body(of packet: UnsafeRawBufferPointer, type: RTCPPacketType,
                     format: UInt8? = nil) throws(RTCPError) -> (header: RTCPHeader, body: UnsafeRawBufferPointer) {
        let slice = try RTCPPacketSlice(parsing: packet, at: 0)
        guard slice.range.count == packet.count else {
            throw .badLength(declared: slice.range.count, available: packet.count)
        }
        guard slice.header.packetType == type, format == nil || slice.header.count == format else {
            throw .wrongType(packetType: slice.header.packetType.rawValue, format: slice.header.count)
        }
        return (slice.header, UnsafeRawBufferPointer(rebasing: packet[slice.bodyRange]))
    }
}
