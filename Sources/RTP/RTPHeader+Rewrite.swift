// In-place rewriting of the fixed header: what a forwarder changes for each viewer (SSRC,
// sequence number, timestamp, payload type, marker) without copying the packet. Each writer only
// checks that the fixed header is present; the packet was parsed before it was rewritten.

extension RTPHeader {
    @inlinable
    static func requireFixedHeader(_ packet: UnsafeMutableRawBufferPointer) throws(RTPError) {
        guard packet.count >= fixedLength else { throw .truncated(needed: fixedLength, have: packet.count) }
    }

    @inlinable
    public static func setSSRC(_ ssrc: UInt32, in packet: UnsafeMutableRawBufferPointer) throws(RTPError) {
        try requireFixedHeader(packet)
        packet.storeBE(ssrc, at: 8)
    }

    @inlinable
    public static func setSequenceNumber(_ sequenceNumber: UInt16,
                                         in packet: UnsafeMutableRawBufferPointer) throws(RTPError) {
        try requireFixedHeader(packet)
        packet.storeBE(sequenceNumber, at: 2)
    }

    @inlinable
    public static func setTimestamp(_ timestamp: UInt32, in packet: UnsafeMutableRawBufferPointer) throws(RTPError) {
        try requireFixedHeader(packet)
        packet.storeBE(timestamp, at: 4)
    }

    /// Sets the 7-bit payload type, keeping the marker bit.
    @inlinable
    public static func setPayloadType(_ payloadType: UInt8,
                                      in packet: UnsafeMutableRawBufferPointer) throws(RTPError) {
        guard payloadType <= 0x7F else { throw .valueOutOfRange }
        try requireFixedHeader(packet)
        packet[1] = packet[1] & 0x80 | payloadType
    }

    /// Sets the marker bit, keeping the payload type.
    @inlinable
    public static func setMarker(_ marker: Bool, in packet: UnsafeMutableRawBufferPointer) throws(RTPError) {
        try requireFixedHeader(packet)
        packet[1] = marker ? packet[1] | 0x80 : packet[1] & 0x7F
    }
}
