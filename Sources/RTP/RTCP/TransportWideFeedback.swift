/// Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01
/// §3.1, RTPFB FMT 15): for a run of transport-wide sequence numbers, which arrived and when.
///
/// ```
/// |V=2|P|  FMT=15 |    PT=205     |           length              |
/// |                     SSRC of packet sender                     |
/// |                      SSRC of media source                     |
/// |      base sequence number     |      packet status count      |
/// |                 reference time                | fb pkt. count |
/// |         packet chunk          |         packet chunk          |  ...
/// |  recv delta   |  recv delta   |  recv delta (2 bytes if large)|  ...
/// ```
/// Packet chunks (16 bits) give a status per packet:
/// - run length:    `0 SS LLLLLLLLLLLLL`  — status SS repeated L (13-bit) times;
/// - 1-bit vector:  `1 0 s×14`            — 14 statuses, 0 = lost, 1 = small delta;
/// - 2-bit vector:  `1 1 ss×7`            — 7 statuses.
/// Status 00 = not received, 01 = received with a 1-byte delta (0...255), 10 = received with a
/// 2-byte signed delta; 11 is reserved and rejected (as libwebrtc does). Deltas count 250 µs
/// ticks: the first from reference time × 64 ms, each next from the previous received packet.
///
/// The value is the decoded list: one `PacketResult` per sequence number. `marshal` re-encodes
/// it with its own chunk choice, so the bytes of a parsed packet may differ but decode equal.
public struct TransportWideFeedback: RTCPWirePacket {
    public static let format: UInt8 = 15
    public static let deltaTick: Duration = .microseconds(250)
    public static let referenceTimeTick: Duration = .milliseconds(64)

    /// The fate of one transport-wide sequence number.
    public struct PacketResult: Sendable, Equatable {
        public var sequenceNumber: UInt16
        /// Receive delta in 250 µs ticks; nil when the packet was not received.
        public var receiveDelta: Int16?

        public init(sequenceNumber: UInt16, receiveDelta: Int16?) {
            self.sequenceNumber = sequenceNumber
            self.receiveDelta = receiveDelta
        }

        public var isReceived: Bool { receiveDelta != nil }

        /// 0 = not received, 1 = small delta, 2 = large or negative delta.
        var symbol: UInt8 {
            guard let receiveDelta else { return 0 }
            return (0...255).contains(receiveDelta) ? 1 : 2
        }
    }

    public var senderSSRC: UInt32
    public var mediaSSRC: UInt32
    public var baseSequenceNumber: UInt16
    /// 24-bit reference time in multiples of 64 ms (wraps every ~12.4 days).
    public var referenceTime: UInt32
    public var feedbackPacketCount: UInt8
    /// One entry per sequence number from `baseSequenceNumber` on, consecutive (mod 2^16).
    public var packets: [PacketResult]

    public init(senderSSRC: UInt32, mediaSSRC: UInt32, baseSequenceNumber: UInt16, referenceTime: UInt32,
                feedbackPacketCount: UInt8, packets: [PacketResult]) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
        self.baseSequenceNumber = baseSequenceNumber
        self.referenceTime = referenceTime & 0xFF_FFFF
        self.feedbackPacketCount = feedbackPacketCount
        self.packets = packets
    }

    /// Builds feedback from arrival times (nil = lost) of consecutive sequence numbers starting
    /// at `baseSequenceNumber`. Times are offsets from the receiver's clock origin, at least 0.
    /// Deltas are rounded to 250 µs against the running total, so rounding never accumulates.
    public init(senderSSRC: UInt32, mediaSSRC: UInt32, baseSequenceNumber: UInt16, feedbackPacketCount: UInt8,
                arrivalTimes: [Duration?]) throws(RTCPError) {
        guard let first = arrivalTimes.lazy.compactMap({ $0 }).first else {
            throw .valueOutOfRange("feedback needs at least one received packet")
        }
        let firstMicros = Self.microseconds(first)
        guard firstMicros >= 0 else { throw .valueOutOfRange("arrival time before the clock origin") }
        let reference = firstMicros / 64_000
        var lastTicks = reference * 256  // 64 ms = 256 ticks of 250 µs
        var packets: [PacketResult] = []
        packets.reserveCapacity(arrivalTimes.count)
        for (index, arrival) in arrivalTimes.enumerated() {
            let sequenceNumber = baseSequenceNumber &+ UInt16(truncatingIfNeeded: index)
            guard let arrival else {
                packets.append(PacketResult(sequenceNumber: sequenceNumber, receiveDelta: nil))
                continue
            }
            let ticks = (Self.microseconds(arrival) + 125) / 250
            guard let delta = Int16(exactly: ticks - lastTicks) else {
                throw .valueOutOfRange("receive delta beyond ±8.19 s; split the feedback")
            }
            lastTicks = ticks
            packets.append(PacketResult(sequenceNumber: sequenceNumber, receiveDelta: delta))
        }
        self.init(senderSSRC: senderSSRC, mediaSSRC: mediaSSRC, baseSequenceNumber: baseSequenceNumber,
                  referenceTime: UInt32(truncatingIfNeeded: reference), feedbackPacketCount: feedbackPacketCount,
                  packets: packets)
    }

    private static func microseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds &* 1_000_000 &+ attoseconds / 1_000_000_000_000
    }

    /// Arrival time of each packet on the sender-of-feedback's clock (reference time + running
    /// sum of deltas); nil for lost packets.
    public var arrivalTimes: [Duration?] {
        var ticks = Int64(referenceTime) * 256
        return packets.map { result in
            guard let delta = result.receiveDelta else { return nil }
            ticks += Int64(delta)
            return .microseconds(ticks * 250)
        }
    }

    // MARK: parsing

    /// A 16-bit packet chunk and the statuses it carries.
    struct Chunk {
        let raw: UInt16

        var isRunLength: Bool { raw & 0x8000 == 0 }
        var symbolCount: Int { isRunLength ? Int(raw & 0x1FFF) : (raw & 0x4000 == 0 ? 14 : 7) }

        func symbol(at index: Int) -> UInt8 {
            if isRunLength { return UInt8(truncatingIfNeeded: raw >> 13) & 0x3 }
            if raw & 0x4000 == 0 { return UInt8(truncatingIfNeeded: raw >> (13 - index)) & 0x1 }
            return UInt8(truncatingIfNeeded: raw >> (12 - 2 * index)) & 0x3
        }
    }

    public init(parsing packet: UnsafeRawBufferPointer) throws(RTCPError) {
        let (_, body) = try RTCPPacketSlice.body(of: packet, type: .transportFeedback, format: Self.format)
        var reader = RTCPBodyReader(body)
        senderSSRC = try reader.uint32()
        mediaSSRC = try reader.uint32()
        baseSequenceNumber = try reader.uint16()
        let statusCount = Int(try reader.uint16())
        referenceTime = try reader.uint24()
        feedbackPacketCount = try reader.uint8()
        guard statusCount > 0 else { throw .badCount(0) }

        // Pass 1: walk the chunks without storing anything, to learn where the deltas start and
        // how many bytes they need. Only then is an array sized by `statusCount` allocated, and
        // by then the chunks present in the buffer have shown they describe that many packets.
        let chunksStart = reader.offset
        var covered = 0
        var deltaBytes = 0
        while covered < statusCount {
            let chunk = Chunk(raw: try reader.uint16())
            let used = Swift.min(chunk.symbolCount, statusCount - covered)
            if chunk.isRunLength {
                switch chunk.symbol(at: 0) {
                case 0: break
                case 1: deltaBytes += used
                case 2: deltaBytes += 2 * used
                default: if used > 0 { throw .badStatusChunk }
                }
            } else {
                for index in 0..<used {
                    switch chunk.symbol(at: index) {
                    case 0: break
                    case 1: deltaBytes += 1
                    case 2: deltaBytes += 2
                    default: throw .badStatusChunk
                    }
                }
            }
            covered += used
        }
        guard reader.remaining >= deltaBytes else {
            throw .truncated(needed: reader.offset + deltaBytes, have: body.count)
        }

        // Pass 2: decode statuses and deltas together. Bytes after the deltas are zero padding.
        var chunks = RTCPBodyReader(body)
        try chunks.skip(chunksStart)
        var deltas = reader
        var packets: [PacketResult] = []
        packets.reserveCapacity(statusCount)
        var sequenceNumber = baseSequenceNumber
        while packets.count < statusCount {
            let chunk = Chunk(raw: try chunks.uint16())
            let used = Swift.min(chunk.symbolCount, statusCount - packets.count)
            for index in 0..<used {
                let delta: Int16?
                switch chunk.symbol(at: index) {
                case 1: delta = Int16(try deltas.uint8())
                case 2: delta = Int16(bitPattern: try deltas.uint16())
                default: delta = nil
                }
                packets.append(PacketResult(sequenceNumber: sequenceNumber, receiveDelta: delta))
                sequenceNumber &+= 1
            }
        }
        self.packets = packets
    }

    // MARK: building

    /// Walks the chunk encoding of `packets`: a run-length chunk for runs of 14 or more (or a
    /// final run), else a 1-bit vector if the next 14 statuses need no large delta, else a
    /// 2-bit vector of 7. Slots past the last packet stay 0 (not received), which receivers ignore.
    private func forEachChunk(_ body: (UInt16) throws(RTCPError) -> Void) throws(RTCPError) {
        var index = 0
        let count = packets.count
        while index < count {
            let symbol = packets[index].symbol
            var run = 1
            while index + run < count, run < 0x1FFF, packets[index + run].symbol == symbol { run += 1 }
            let remaining = count - index
            if run >= 14 || run == remaining {
                try body(UInt16(symbol) << 13 | UInt16(run))
                index += run
                continue
            }
            let oneBitSpan = Swift.min(14, remaining)
            if packets[index..<index + oneBitSpan].allSatisfy({ $0.symbol < 2 }) {
                var raw: UInt16 = 0x8000
                for offset in 0..<oneBitSpan { raw |= UInt16(packets[index + offset].symbol) << (13 - offset) }
                try body(raw)
                index += oneBitSpan
            } else {
                let span = Swift.min(7, remaining)
                var raw: UInt16 = 0xC000
                for offset in 0..<span { raw |= UInt16(packets[index + offset].symbol) << (12 - 2 * offset) }
                try body(raw)
                index += span
            }
        }
    }

    /// Bytes before padding: 16 fixed + chunks + deltas (after the 4-byte header).
    private var unpaddedSize: Int {
        var chunkCount = 0
        try? forEachChunk { _ throws(RTCPError) in chunkCount += 1 }
        let deltaBytes = packets.reduce(0) { $0 + Int($1.symbol) }  // symbol 1 → 1 byte, 2 → 2 bytes
        return 4 + 16 + chunkCount * 2 + deltaBytes
    }

    public var marshalSize: Int { (unpaddedSize + 3) / 4 * 4 }

    public func marshal(into buffer: UnsafeMutableRawBufferPointer) throws(RTCPError) -> Int {
        guard !packets.isEmpty, packets.count <= Int(UInt16.max) else {
            throw .valueOutOfRange("status count \(packets.count) outside 1...65535")
        }
        for (index, result) in packets.enumerated()
        where result.sequenceNumber != baseSequenceNumber &+ UInt16(truncatingIfNeeded: index) {
            throw .valueOutOfRange("sequence number \(result.sequenceNumber) breaks the run from the base")
        }
        let unpadded = unpaddedSize
        let size = (unpadded + 3) / 4 * 4
        try Self.requireRoom(size, in: buffer)
        let padding = size - unpadded
        var writer = RTCPBodyWriter(buffer)
        // Padding the libwebrtc way: P bit and a count in the last byte, so that parsers which
        // strip RTCP padding and parsers which ignore trailing zeros both read the same deltas.
        try writer.header(RTCPHeader(padding: padding > 0, count: Self.format, packetType: .transportFeedback,
                                     length: UInt16(size / 4 - 1)))
        try writer.uint32(senderSSRC)
        try writer.uint32(mediaSSRC)
        try writer.uint16(baseSequenceNumber)
        try writer.uint16(UInt16(packets.count))
        try writer.uint24(referenceTime & 0xFF_FFFF)
        try writer.uint8(feedbackPacketCount)
        try forEachChunk { raw throws(RTCPError) in try writer.uint16(raw) }
        for result in packets {
            switch result.symbol {
            case 1: try writer.uint8(UInt8(truncatingIfNeeded: result.receiveDelta ?? 0))
            case 2: try writer.uint16(UInt16(bitPattern: result.receiveDelta ?? 0))
            default: break
            }
        }
        if padding > 0 {
            try writer.zeros(padding - 1)
            try writer.uint8(UInt8(padding))
        }
        return size
    }
}
