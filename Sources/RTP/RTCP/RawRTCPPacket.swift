/// An RTCP packet of a type this module does not decode (APP, XR, TMMBR, SLI, ...), kept as its
/// exact bytes so it can be forwarded or logged.
public struct RawRTCPPacket: RTCPWirePacket {
    /// The whole packet, header and padding included.
    public let bytes: [UInt8]
    public let header: RTCPHeader

    public init(parsing packet: UnsafeRawBufferPointer) throws(RTCPError) {
        let slice = try RTCPPacketSlice(parsing: packet, at: 0)
        guard slice.range.count == packet.count else {
            throw .badLength(declared: slice.range.count, available: packet.count)
        }
        header = slice.header
        bytes = Array(packet)
    }

    public var marshalSize: Int { bytes.count }

    public func marshal(into buffer: UnsafeMutableRawBufferPointer) throws(RTCPError) -> Int {
        try Self.requireRoom(bytes.count, in: buffer)
        for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        return bytes.count
    }
}
