/// Walks the packets of an RTCP datagram (a compound packet, or a single reduced-size packet per
/// RFC 5506) in place, validating each header against the buffer.
///
/// ```swift
/// var reader = RTCPReader(datagram)
/// while let slice = try reader.next() { ... slice.header.packetType ... }
/// ```
/// Compound-packet rules of RFC 3550 (first packet SR/RR, CNAME present) are not enforced: WebRTC
/// negotiates rtcp-rsize, and a forwarder has no use for rejecting a bare feedback packet.
public struct RTCPReader {
    @usableFromInline let buffer: UnsafeRawBufferPointer
    @usableFromInline var offset = 0

    public init(_ buffer: UnsafeRawBufferPointer) { self.buffer = buffer }

    /// The next packet, nil at the end of the buffer; throws on a header that does not fit.
    public mutating func next() throws(RTCPError) -> RTCPPacketSlice? {
        guard offset < buffer.count else { return nil }
        let slice = try RTCPPacketSlice(parsing: buffer, at: offset)
        offset = slice.range.upperBound
        return slice
    }
}
