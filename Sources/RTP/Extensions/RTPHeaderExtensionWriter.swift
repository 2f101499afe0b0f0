/// Writes an RFC 8285 extension block (profile word, elements, zero padding) into a caller buffer
/// without allocating. Used when a packet is built from scratch, e.g. probes and test senders;
/// forwarders rewrite values in place instead.
///
/// ```swift
/// var writer = try RTPHeaderExtensionWriter(form: .oneByte, buffer: out, at: 12)
/// try writer.append(id: 3, AbsSendTime(now))
/// let blockLength = try writer.finish()   // bytes written, including the 4-byte block header
/// ```
public struct RTPHeaderExtensionWriter {
    public let form: RTPHeaderExtensionForm
    @usableFromInline let buffer: UnsafeMutableRawBufferPointer
    @usableFromInline let start: Int
    @usableFromInline var cursor: Int

    /// Starts a block at `offset` of `buffer` (where the X bit's profile word goes).
    public init(form: RTPHeaderExtensionForm, buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(RTPError) {
        guard offset >= 0, offset + 4 <= buffer.count else {
            throw .bufferTooSmall(needed: offset + 4, have: buffer.count)
        }
        self.form = form
        self.buffer = buffer
        self.start = offset
        self.cursor = offset + 4
    }

    /// Bytes of a block holding values of these lengths (block header and padding included).
    public static func blockLength(form: RTPHeaderExtensionForm, valueLengths: some Sequence<Int>) -> Int {
        let elementHeader = form == .oneByte ? 1 : 2
        let body = valueLengths.reduce(0) { $0 + elementHeader + $1 }
        return 4 + (body + 3) / 4 * 4
    }

    /// Reserves an element of `length` bytes and returns where its value goes.
    @usableFromInline
    mutating func reserve(id: UInt8, length: Int) throws(RTPError) -> Range<Int> {
        guard form.canCarry(id: id, length: length) else { throw .badExtensionID(id) }
        let headerLength = form == .oneByte ? 1 : 2
        let valueStart = cursor + headerLength
        guard valueStart + length <= buffer.count else {
            throw .bufferTooSmall(needed: valueStart + length, have: buffer.count)
        }
        switch form {
        case .oneByte:
            buffer[cursor] = id << 4 | UInt8(length - 1)
        case .twoByte:
            buffer[cursor] = id
            buffer[cursor + 1] = UInt8(length)
        }
        cursor = valueStart + length
        return valueStart..<cursor
    }

    /// Appends an element with raw value bytes.
    public mutating func append(id: UInt8, value: UnsafeRawBufferPointer) throws(RTPError) {
        let range = try reserve(id: id, length: value.count)
        UnsafeMutableRawBufferPointer(rebasing: buffer[range]).copyMemory(from: value)
    }

    /// Appends an element with raw value bytes.
    public mutating func append(id: UInt8, value: [UInt8]) throws(RTPError) {
        let range = try reserve(id: id, length: value.count)
        for (offset, byte) in zip(range, value) { buffer[offset] = byte }
    }

    /// Appends a typed value (abs-send-time, transport-wide seq, audio level, mid/rid).
    public mutating func append<Value: RTPHeaderExtensionValue>(id: UInt8, _ value: Value) throws(RTPError) {
        let range = try reserve(id: id, length: value.encodedLength)
        value.write(into: UnsafeMutableRawBufferPointer(rebasing: buffer[range]))
    }

    /// Pads to a 32-bit boundary, writes the block header and returns the block's total length.
    public func finish() throws(RTPError) -> Int {
        let padded = start + 4 + (cursor - start - 4 + 3) / 4 * 4
        guard padded <= buffer.count else { throw .bufferTooSmall(needed: padded, have: buffer.count) }
        let words = (padded - start - 4) / 4
        guard words <= Int(UInt16.max) else { throw .valueOutOfRange }
        for offset in cursor..<padded { buffer[offset] = 0 }
        buffer.storeBE(form.profile, at: start)
        buffer.storeBE(UInt16(words), at: start + 2)
        return padded - start
    }
}
