/// EBML's variable-length integer (RFC 8794 §4): the count of leading zero bits of the first byte
/// gives the length, the bits after the marker the value.
public enum EBMLVarInt {
    /// (value, length) at the start of `bytes`, nil when short or invalid (a first byte of zero).
    public static func parse(_ bytes: ArraySlice<UInt8>) -> (value: UInt64, length: Int)? {
        guard let first = bytes.first, first != 0 else { return nil }
        let length = first.leadingZeroBitCount + 1
        guard bytes.count >= length else { return nil }
        var value = UInt64(first & (0xFF >> length))
        for byte in bytes.dropFirst().prefix(length - 1) { value = value << 8 | UInt64(byte) }
        return (value, length)
    }

    /// `value` in the shortest width, unless `width` is given (a value a later patch may grow
    /// into). All-ones is reserved for "unknown", so the shortest width is the one whose maximum
    /// is strictly above the value.
    public static func encode(_ value: UInt64, width: Int? = nil) -> [UInt8] {
        var length = 1
        while length < 8, value >= (UInt64(1) << (7 * UInt64(length))) - 1 { length += 1 }
        if let width { length = max(length, min(8, width)) }
        var out = [UInt8](repeating: 0, count: length)
        for index in 0..<length { out[length - 1 - index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index))) }
        out[0] |= UInt8(0x80) >> UInt8(length - 1)
        return out
    }
}
