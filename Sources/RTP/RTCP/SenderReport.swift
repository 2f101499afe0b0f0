/// SR: sender information and reception reports (RFC 3550 §6.4.1, PT 200, count = RC).
///
/// ```
/// |V=2|P|    RC   |   PT=SR=200   |             length            |
/// |                         SSRC of sender                        |
/// |              NTP timestamp, most significant word             |
/// |             NTP timestamp, least significant word             |
/// |                         RTP timestamp                         |
/// |                     sender's packet count                     |
/// |                      sender's octet count                     |
/// |                 report blocks (RC × 24 bytes)                 |
/// |                  profile-specific extensions                  |
/// ```
public struct SenderReport: RTCPWirePacket {
    public var ssrc: UInt32
    /// 64-bit NTP timestamp (seconds since 1900 in 32.32 fixed point).
    public var ntpTimestamp: UInt64
    public var rtpTimestamp: UInt32
    public var packetCount: UInt32
    public var octetCount: UInt32
    /// At most 31 blocks.
    public var reports: [ReportBlock]
    /// Bytes after the report blocks, kept so the packet round-trips; a multiple of 4.
    public var profileExtensions: [UInt8]

    public init(ssrc: UInt32, ntpTimestamp: UInt64, rtpTimestamp: UInt32, packetCount: UInt32,
                octetCount: UInt32, reports: [ReportBlock] = [], profileExtensions: [UInt8] = []) {
        self.ssrc = ssrc
        self.ntpTimestamp = ntpTimestamp
        self.rtpTimestamp = rtpTimestamp
        self.packetCount = packetCount
        self.octetCount = octetCount
        self.reports = reports
        self.profileExtensions = profileExtensions
    }

    /// The middle 32 bits of the NTP timestamp: what a receiver echoes as LSR.
    public var compactNTPTimestamp: UInt32 { UInt32(truncatingIfNeeded: ntpTimestamp >> 16) }

    public init(parsing packet: UnsafeRawBufferPointer) throws(RTCPError) {
        let (header, body) = try RTCPPacketSlice.body(of: packet, type: .senderReport)
        let blocks = Int(header.count)
        guard body.count >= 24 + blocks * ReportBlock.byteCount else { throw .badCount(blocks) }
        var reader = RTCPBodyReader(body)
        ssrc = try reader.uint32()
        ntpTimestamp = try reader.uint64()
        rtpTimestamp = try reader.uint32()
        packetCount = try reader.uint32()
        octetCount = try reader.uint32()
        (reports, profileExtensions) = try ReportBlock.readBlocksAndExtensions(count: blocks, from: &reader,
                                                                               body: body, packet: packet)
    }

    public var marshalSize: Int { 4 + 24 + reports.count * ReportBlock.byteCount + profileExtensions.count }

    public func marshal(into buffer: UnsafeMutableRawBufferPointer) throws(RTCPError) -> Int {
        try ReportBlock.validate(reports, profileExtensions: profileExtensions)
        let size = marshalSize
        try Self.requireRoom(size, in: buffer)
        var writer = RTCPBodyWriter(buffer)
        try writer.header(RTCPHeader(count: UInt8(reports.count), packetType: .senderReport, packetLength: size))
        try writer.uint32(ssrc)
        try writer.uint64(ntpTimestamp)
        try writer.uint32(rtpTimestamp)
        try writer.uint32(packetCount)
        try writer.uint32(octetCount)
        try ReportBlock.writeBlocksAndExtensions(reports, profileExtensions: profileExtensions, to: &writer)
        return size
    }
}
