/// One reception report block (RFC 3550 §6.4.1), carried in SR and RR packets.
///
/// ```
/// |                 SSRC of source being reported                 |
/// | fraction lost |       cumulative number of packets lost       |
/// |           extended highest sequence number received           |
/// |                      interarrival jitter                      |
/// |                         last SR (LSR)                         |
/// |                   delay since last SR (DLSR)                  |
/// ```
public struct ReportBlock: Sendable, Equatable {
    public static let byteCount = 24
    /// The range of the signed 24-bit cumulative-loss field.
    public static let cumulativeLostRange: ClosedRange<Int32> = -0x80_0000...0x7F_FFFF

    public var ssrc: UInt32
    /// Fraction of packets lost since the previous report, in 1/256.
    public var fractionLost: UInt8
    /// Packets lost since reception began; signed, as duplicates can make it negative.
    public var cumulativeLost: Int32
    public var extendedHighestSequenceNumber: UInt32
    /// Interarrival jitter in timestamp units.
    public var jitter: UInt32
    /// Middle 32 bits of the NTP timestamp of the last SR received (0 if none).
    public var lastSenderReport: UInt32
    /// Delay since that SR, in 1/65536 s.
    public var delaySinceLastSenderReport: UInt32

    public init(ssrc: UInt32, fractionLost: UInt8 = 0, cumulativeLost: Int32 = 0,
                extendedHighestSequenceNumber: UInt32 = 0, jitter: UInt32 = 0,
                lastSenderReport: UInt32 = 0, delaySinceLastSenderReport: UInt32 = 0) {
        self.ssrc = ssrc
        self.fractionLost = fractionLost
        self.cumulativeLost = cumulativeLost
        self.extendedHighestSequenceNumber = extendedHighestSequenceNumber
        self.jitter = jitter
        self.lastSenderReport = lastSenderReport
        self.delaySinceLastSenderReport = delaySinceLastSenderReport
    }

    /// Parses a block from exactly 24 bytes.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTCPError) {
        guard bytes.count == ReportBlock.byteCount else {
            throw .badLength(declared: ReportBlock.byteCount, available: bytes.count)
        }
        var reader = RTCPBodyReader(bytes)
        try self.init(reading: &reader)
    }

    init(reading reader: inout RTCPBodyReader) throws(RTCPError) {
        ssrc = try reader.uint32()
        fractionLost = try reader.uint8()
        // Sign-extend the 24-bit field through the top of an Int32.
        cumulativeLost = Int32(bitPattern: try reader.uint24() << 8) >> 8
        extendedHighestSequenceNumber = try reader.uint32()
        jitter = try reader.uint32()
        lastSenderReport = try reader.uint32()
        delaySinceLastSenderReport = try reader.uint32()
    }

    func write(to writer: inout RTCPBodyWriter) throws(RTCPError) {
        guard ReportBlock.cumulativeLostRange.contains(cumulativeLost) else {
            throw .valueOutOfRange("cumulative lost \(cumulativeLost) does not fit 24 bits")
        }
        try writer.uint32(ssrc)
        try writer.uint8(fractionLost)
        try writer.uint24(UInt32(bitPattern: cumulativeLost) & 0xFF_FFFF)
        try writer.uint32(extendedHighestSequenceNumber)
        try writer.uint32(jitter)
        try writer.uint32(lastSenderReport)
        try writer.uint32(delaySinceLastSenderReport)
    }

    // Sender and receiver reports end the same way: `count` report blocks, then word-aligned
    // profile-specific extensions filling the rest of the packet (RFC 3550 §6.4.1-2).

    /// Reads `count` blocks (the caller has checked the body holds them) and the extensions after.
    static func readBlocksAndExtensions(count: Int, from reader: inout RTCPBodyReader,
                                        body: UnsafeRawBufferPointer, packet: UnsafeRawBufferPointer)
        throws(RTCPError) -> (reports: [ReportBlock], profileExtensions: [UInt8]) {
        var reports: [ReportBlock] = []
        reports.reserveCapacity(count)  // bounded: the caller checked the body against `count`
        for _ in 0..<count { reports.append(try ReportBlock(reading: &reader)) }
        guard reader.remaining % 4 == 0 else { throw .badLength(declared: body.count, available: packet.count) }
        return (reports, try reader.bytes(reader.remaining))
    }

    /// Checks what a report may carry before any byte is written.
    static func validate(_ reports: [ReportBlock], profileExtensions: [UInt8]) throws(RTCPError) {
        guard reports.count <= 31 else { throw .valueOutOfRange("\(reports.count) report blocks, at most 31") }
        guard profileExtensions.count % 4 == 0 else { throw .valueOutOfRange("profile extensions not word-aligned") }
    }

    static func writeBlocksAndExtensions(_ reports: [ReportBlock], profileExtensions: [UInt8],
                                         to writer: inout RTCPBodyWriter) throws(RTCPError) {
        for report in reports { try report.write(to: &writer) }
        try writer.bytes(profileExtensions)
    }
}
