/// PLI: the receiver lost picture data and asks for a keyframe (RFC 4585 §6.3.1, PSFB FMT 1).
///
/// ```
/// |V=2|P|  FMT=1  |   PT=PSFB=206   |          length=2           |
/// |                  SSRC of packet sender                        |
/// |                  SSRC of media source                         |
/// ```
public struct PictureLossIndication: RTCPWirePacket {
    public static let format: UInt8 = 1

    public var senderSSRC: UInt32
    public var mediaSSRC: UInt32

    public init(senderSSRC: UInt32, mediaSSRC: UInt32) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
    }

    public init(parsing packet: UnsafeRawBufferPointer) throws(RTCPError) {
        let (_, body) = try RTCPPacketSlice.body(of: packet, type: .payloadFeedback, format: Self.format)
        guard body.count == 8 else { throw .badLength(declared: body.count, available: 8) }
        senderSSRC = body.beUInt32(at: 0)
        mediaSSRC = body.beUInt32(at: 4)
    }

    public var marshalSize: Int { 12 }

    public func marshal(into buffer: UnsafeMutableRawBufferPointer) throws(RTCPError) -> Int {
        try Self.requireRoom(12, in: buffer)
        var writer = RTCPBodyWriter(buffer)
        try writer.header(RTCPHeader(count: Self.format, packetType: .payloadFeedback, packetLength: 12))
        try writer.uint32(senderSSRC)
        try writer.uint32(mediaSSRC)
        return 12
    }
}
