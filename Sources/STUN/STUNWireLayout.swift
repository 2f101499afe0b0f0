// Bounds-checked reads of the STUN header and attribute TLVs over borrowed bytes. Parse,
// integrity verification and the demux peek all walk messages through this one cursor, so
// the bounds rules live in one place and none of them allocates.

/// Fixed numbers of the STUN wire format.
enum STUNWire {
    static let headerLength = 20
    static let magicCookie: UInt32 = 0x2112_A442
    static let fingerprintXOR: UInt32 = 0x5354_554E
    static let integrityLength = 20
    static let maximumBodyLength = Int(UInt16.max)
}

/// Checked big-endian loads; every read returns nil rather than touching memory out of range
/// (`UnsafeRawBufferPointer`'s own subscript is unchecked in release builds).
struct CheckedBytes {
    let base: UnsafeRawBufferPointer

    var count: Int { base.count }

    func contains(_ offset: Int, length: Int) -> Bool {
        offset >= 0 && length >= 0 && offset <= base.count && length <= base.count - offset
    }

    func u8(_ offset: Int) -> UInt8? {
        contains(offset, length: 1) ? base[offset] : nil
    }

    func u16(_ offset: Int) -> UInt16? {
        guard contains(offset, length: 2) else { return nil }
        return UInt16(base[offset]) << 8 | UInt16(base[offset + 1])
    }

    func u32(_ offset: Int) -> UInt32? {
        guard let hi = u16(offset), let lo = u16(offset + 2) else { return nil }
        return UInt32(hi) << 16 | UInt32(lo)
    }

    func u64(_ offset: Int) -> UInt64? {
        guard let hi = u32(offset), let lo = u32(offset + 4) else { return nil }
        return UInt64(hi) << 32 | UInt64(lo)
    }

    /// A sub-buffer, or nil if the range is not inside.
    func slice(_ offset: Int, length: Int) -> UnsafeRawBufferPointer? {
        guard contains(offset, length: length) else { return nil }
        return UnsafeRawBufferPointer(rebasing: base[offset..<(offset + length)])
    }
}

/// A validated STUN header.
struct STUNHeader {
    let typeField: UInt16
    let bodyLength: Int

    /// Applies the framing rules of RFC 8489 §5: top bits zero, magic cookie, length a
    /// multiple of 4 that matches the datagram exactly.
    init(validating bytes: CheckedBytes) throws(STUNError) {
        guard bytes.count >= STUNWire.headerLength,
              let first = bytes.u8(0), let type = bytes.u16(0), let length = bytes.u16(2),
              let cookie = bytes.u32(4) else { throw .tooShort(count: bytes.count) }
        guard first & 0xC0 == 0 else { throw .notSTUN }
        guard cookie == STUNWire.magicCookie else { throw .badMagicCookie }
        guard length % 4 == 0 else { throw .unalignedLength(Int(length)) }
        guard STUNWire.headerLength + Int(length) == bytes.count else {
            throw .lengthMismatch(declared: Int(length), actual: bytes.count - STUNWire.headerLength)
        }
        typeField = type
        bodyLength = Int(length)
    }
}

/// One attribute's place in the message: `offset` is its 4-byte TLV header.
struct RawAttributeSpan {
    let type: UInt16
    let offset: Int
    let valueOffset: Int
    let length: Int
    /// Offset of the next attribute: value plus padding to 4 bytes.
    let end: Int
}

/// Walks attribute TLVs of a message whose header has been validated.
struct AttributeCursor {
    let bytes: CheckedBytes
    private(set) var offset = STUNWire.headerLength

    init(_ bytes: CheckedBytes) { self.bytes = bytes }

    /// The next attribute, nil at the end, or an error when a TLV runs past the message.
    mutating func next() throws(STUNError) -> RawAttributeSpan? {
        guard offset < bytes.count else { return nil }
        guard let type = bytes.u16(offset), let length = bytes.u16(offset + 2) else {
            throw .attributeOverrun(type: bytes.u16(offset) ?? 0)
        }
        let valueOffset = offset + 4
        let padded = (Int(length) + 3) & ~3
        // Padding bytes must be present too (RFC 8489 §14): the body length covers them.
        guard bytes.contains(valueOffset, length: padded) else { throw .attributeOverrun(type: type) }
        let span = RawAttributeSpan(type: type, offset: offset, valueOffset: valueOffset,
                                    length: Int(length), end: valueOffset + padded)
        offset = span.end
        return span
    }
}
