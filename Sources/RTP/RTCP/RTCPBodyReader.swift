/// Sequential big-endian reads over a packet body; every read checks the remaining bytes first.
struct RTCPBodyReader {
    let buffer: UnsafeRawBufferPointer
    private(set) var offset = 0

    init(_ buffer: UnsafeRawBufferPointer) { self.buffer = buffer }

    var remaining: Int { buffer.count - offset }

    private mutating func take(_ count: Int) throws(RTCPError) -> Int {
        guard remaining >= count else { throw .truncated(needed: offset + count, have: buffer.count) }
        defer { offset += count }
        return offset
    }

    mutating func uint8() throws(RTCPError) -> UInt8 { buffer[try take(1)] }
    mutating func uint16() throws(RTCPError) -> UInt16 { buffer.beUInt16(at: try take(2)) }
    mutating func uint24() throws(RTCPError) -> UInt32 { buffer.beUInt24(at: try take(3)) }
    mutating func uint32() throws(RTCPError) -> UInt32 { buffer.beUInt32(at: try take(4)) }
    mutating func uint64() throws(RTCPError) -> UInt64 { buffer.beUInt64(at: try take(8)) }

    /// Copies `count` bytes out (the only owned bytes a parsed value keeps: texts, extensions).
    mutating func bytes(_ count: Int) throws(RTCPError) -> [UInt8] {
        let start = try take(count)
        return Array(buffer[start..<start + count])
    }

    mutating func skip(_ count: Int) throws(RTCPError) { _ = try take(count) }
}
