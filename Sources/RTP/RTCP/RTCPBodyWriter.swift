/// Sequential big-endian writes; the caller has checked `marshalSize` against the buffer, and
/// each write still checks its own room so a wrong size computation cannot write out of bounds.
struct RTCPBodyWriter {
    let buffer: UnsafeMutableRawBufferPointer
    private(set) var offset: Int

    init(_ buffer: UnsafeMutableRawBufferPointer, at offset: Int = 0) {
        self.buffer = buffer
        self.offset = offset
    }

    private mutating func take(_ count: Int) throws(RTCPError) -> Int {
        guard buffer.count - offset >= count else { throw .bufferTooSmall(needed: offset + count, have: buffer.count) }
        defer { offset += count }
        return offset
    }

    mutating func header(_ header: RTCPHeader) throws(RTCPError) { header.write(into: buffer, at: try take(4)) }
    mutating func uint8(_ value: UInt8) throws(RTCPError) { buffer[try take(1)] = value }
    mutating func uint16(_ value: UInt16) throws(RTCPError) { buffer.storeBE(value, at: try take(2)) }
    mutating func uint24(_ value: UInt32) throws(RTCPError) { buffer.storeBE24(value, at: try take(3)) }
    mutating func uint32(_ value: UInt32) throws(RTCPError) { buffer.storeBE(value, at: try take(4)) }
    mutating func uint64(_ value: UInt64) throws(RTCPError) { buffer.storeBE(value, at: try take(8)) }

    mutating func bytes(_ value: [UInt8]) throws(RTCPError) {
        let start = try take(value.count)
        for (index, byte) in value.enumerated() { buffer[start + index] = byte }
    }

    mutating func zeros(_ count: Int) throws(RTCPError) {
        let start = try take(count)
        for index in start..<start + count { buffer[index] = 0 }
    }

    /// Zero bytes up to the next 32-bit boundary (offsets are relative to the packet start).
    mutating func padToWord() throws(RTCPError) { try zeros((4 - offset % 4) % 4) }
}
