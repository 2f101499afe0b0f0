/// REMB: the receiver's estimate of the total bitrate it can take for a set of streams
/// (draft-alvestrand-rmcat-remb-03, PSFB FMT 15 application layer feedback).
///
/// ```
/// |V=2|P| FMT=15  |   PT=PSFB=206   |          length             |
/// |                  SSRC of packet sender                        |
/// |                  SSRC of media source (0)                     |
/// |  'R' 'E' 'M' 'B'                                              |
/// |  Num SSRC     | BR Exp    |  BR Mantissa (18 bits)            |
/// |   SSRC feedback                                               |  × Num SSRC
/// ```
/// The bitrate is mantissa × 2^exp bits per second. Exponent and mantissa are stored as sent,
/// so a parsed packet marshals back to the same bytes.
public struct ReceiverEstimatedMaxBitrate: RTCPWirePacket {
    public static let format: UInt8 = 15
    static let uniqueIdentifier: UInt32 = 0x5245_4D42  // "REMB"
    static let maxMantissa: UInt32 = 0x3FFFF

    public var senderSSRC: UInt32
    public var mediaSSRC: UInt32
    /// 0...63.
    public var exponent: UInt8
    /// 0...0x3FFFF.
    public var mantissa: UInt32
    /// At most 255.
    public var ssrcs: [UInt32]

    public init(senderSSRC: UInt32, mediaSSRC: UInt32 = 0, exponent: UInt8, mantissa: UInt32, ssrcs: [UInt32]) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
        self.exponent = exponent
        self.mantissa = mantissa
        self.ssrcs = ssrcs
    }

    /// Encodes `bitrate` with the smallest exponent whose mantissa fits 18 bits (rounding down,
    /// so the estimate sent never exceeds the one computed).
    public init(senderSSRC: UInt32, mediaSSRC: UInt32 = 0, bitrate: UInt64, ssrcs: [UInt32]) {
        self.init(senderSSRC: senderSSRC, mediaSSRC: mediaSSRC, exponent: 0, mantissa: 0, ssrcs: ssrcs)
        self.bitrate = bitrate
    }

    /// Bits per second; saturates at `UInt64.max` for exponents that overflow 64 bits.
    public var bitrate: UInt64 {
        get {
            let value = UInt64(mantissa)
            guard value != 0 else { return 0 }
            guard exponent < 64, value <= UInt64.max >> exponent else { return .max }
            return value << exponent
        }
        set {
            var value = newValue
            var exponent: UInt8 = 0
            while value > UInt64(Self.maxMantissa) {
                value >>= 1
                exponent += 1
            }
            self.exponent = exponent
            self.mantissa = UInt32(value)
        }
    }

    public init(parsing packet: UnsafeRawBufferPointer) throws(RTCPError) {
        let (_, body) = try RTCPPacketSlice.body(of: packet, type: .payloadFeedback, format: Self.format)
        var reader = RTCPBodyReader(body)
        senderSSRC = try reader.uint32()
        mediaSSRC = try reader.uint32()
        guard try reader.uint32() == Self.uniqueIdentifier else { throw .badUniqueIdentifier }
        let count = Int(try reader.uint8())
        let packed = try reader.uint24()
        exponent = UInt8(packed >> 18)
        mantissa = packed & Self.maxMantissa
        guard reader.remaining == count * 4 else { throw .badCount(count) }
        var ssrcs: [UInt32] = []
        ssrcs.reserveCapacity(count)
        for _ in 0..<count { ssrcs.append(try reader.uint32()) }
        self.ssrcs = ssrcs
    }

    /// Whether a PSFB FMT 15 packet body carries the "REMB" identifier (other application-layer
    /// feedback uses the same format number).
    static func isREMB(body: UnsafeRawBufferPointer) -> Bool {
        body.count >= 12 && body.beUInt32(at: 8) == uniqueIdentifier
    }

    public var marshalSize: Int { 20 + ssrcs.count * 4 }

    public func marshal(into buffer: UnsafeMutableRawBufferPointer) throws(RTCPError) -> Int {
        guard ssrcs.count <= 255 else { throw .valueOutOfRange("\(ssrcs.count) REMB SSRCs, at most 255") }
        guard exponent < 64, mantissa <= Self.maxMantissa else { throw .valueOutOfRange("REMB exponent/mantissa") }
        let size = marshalSize
        try Self.requireRoom(size, in: buffer)
        var writer = RTCPBodyWriter(buffer)
        try writer.header(RTCPHeader(count: Self.format, packetType: .payloadFeedback, packetLength: size))
        try writer.uint32(senderSSRC)
        try writer.uint32(mediaSSRC)
        try writer.uint32(Self.uniqueIdentifier)
        try writer.uint8(UInt8(ssrcs.count))
        try writer.uint24(UInt32(exponent) << 18 | mantissa)
        for ssrc in ssrcs { try writer.uint32(ssrc) }
        return size
    }
}
