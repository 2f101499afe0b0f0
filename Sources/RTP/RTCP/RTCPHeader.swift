/// The common 4-byte header of every RTCP packet (RFC 3550 §6.4).
///
/// ```
/// |V=2|P|  count  |      PT       |             length            |
/// ```
/// `count` is the report/source count (RC/SC) or, in feedback packets, the format (FMT).
/// `length` is the packet length in 32-bit words minus one, header included.
public struct RTCPHeader: Sendable, Equatable {
    public static let byteCount = 4

    public var padding: Bool
    /// RC, SC or FMT (0...31).
    public var count: UInt8
    public var packetType: RTCPPacketType
    /// Length in 32-bit words minus one.
    public var length: UInt16

    public init(padding: Bool = false, count: UInt8, packetType: RTCPPacketType, length: UInt16) {
        self.padding = padding
        self.count = count
        self.packetType = packetType
        self.length = length
    }

    /// The header for a packet of `packetLength` bytes (a multiple of 4, at least 4).
    init(count: UInt8, packetType: RTCPPacketType, packetLength: Int) {
        self.init(count: count, packetType: packetType, length: UInt16(truncatingIfNeeded: packetLength / 4 - 1))
    }

    /// Bytes of the whole packet, header and padding included.
    @inlinable public var packetLength: Int { (Int(length) + 1) * 4 }

    /// Reads the header at `offset`; checks the version only (lengths are checked by the reader).
    public init(parsing buffer: UnsafeRawBufferPointer, at offset: Int = 0) throws(RTCPError) {
        guard offset >= 0, buffer.count - offset >= RTCPHeader.byteCount else {
            throw .truncated(needed: RTCPHeader.byteCount, have: max(0, buffer.count - offset))
        }
        let b0 = buffer[offset]
        guard b0 >> 6 == 2 else { throw .badVersion(b0 >> 6) }
        padding = b0 & 0x20 != 0
        count = b0 & 0x1F
        packetType = RTCPPacketType(rawValue: buffer[offset + 1])
        length = buffer.beUInt16(at: offset + 2)
    }

    /// Writes the 4 header bytes at `offset`; the caller has checked the room.
    func write(into buffer: UnsafeMutableRawBufferPointer, at offset: Int = 0) {
        buffer[offset] = 0x80 | (padding ? 0x20 : 0) | (count & 0x1F)
        buffer[offset + 1] = packetType.rawValue
        buffer.storeBE(length, at: offset + 2)
    }
}
