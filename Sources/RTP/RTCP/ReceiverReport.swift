/// RR: reception reports from a participant that is not sending (RFC 3550 §6.4.2, PT 201).
///
/// ```
/// |V=2|P|    RC   |   PT=RR=201   |             length            |
/// |                     SSRC of packet sender                     |
/// |                 report blocks (RC × 24 bytes)                 |
/// |                  profile-specific extensions                  |
/// ```
public struct ReceiverReport: RTCPWirePacket {
    public var ssrc: UInt32
    /// At most 31 blocks.
    public var reports: [ReportBlock]
    /// Bytes after the report blocks, kept so the packet round-trips; a multiple of 4.
    public var profileExtensions: [UInt8]

    public init(ssrc: UInt32, reports: [ReportBlock] = [], profileExtensions: [UInt8] = []) {
        self.ssrc = ssrc
        self.reports = reports
        self.profileExtensions = profileExtensions
    }

    public init(parsing packet: UnsafeRawBufferPointer) throws(RTCPError) {
        let (header, body) = try RTCPPacketSlice.body(of: packet, type: .receiverReport)
        let blocks = Int(header.count)
        guard body.count >= 4 + blocks * ReportBlock.byteCount else { throw .badCount(blocks) }
        var reader = RTCPBodyReader(body)
        ssrc = try reader.uint32()
        (reports, profileExtensions) = try ReportBlock.readBlocksAndExtensions(count: blocks, from: &reader,
                                                                               body: body, packet: packet)
    }

    public var marshalSize: Int { 4 + 4 + reports.count * ReportBlock.byteCount + profileExtensions.count }

    public func marshal(into buffer: UnsafeMutableRawBufferPointer) throws(RTCPError) -> Int {
        try ReportBlock.validate(reports, profileExtensions: profileExtensions)
        let size = marshalSize
        try Self.requireRoom(size, in: buffer)
        var writer = RTCPBodyWriter(buffer)
        try writer.header(RTCPHeader(count: UInt8(reports.count), packetType: .receiverReport, packetLength: size))
        try writer.uint32(ssrc)
        try ReportBlock.writeBlocksAndExtensions(reports, profileExtensions: profileExtensions, to: &writer)
        return size
    }
}
