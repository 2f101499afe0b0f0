// MediaProbe: reads what a stored video is (container, duration, tracks, codecs, dimensions) from
// its bytes, without trusting them. Sans-I/O: `WebMProbe` says which bytes it needs next and the
// caller reads them (from a file, or an array in tests), so a 2 GiB upload is probed with a few
// kilobytes of memory. It does not decode media, write files or call ffprobe (the server does that
// for containers other than WebM/Matroska).

/// One EBML element header: its id (with the length marker bits kept, as Matroska writes ids), the
/// size of its payload (nil: "unknown size", allowed for Segment and Cluster in live files), and how
/// many bytes the header took.
public struct EBMLHeader: Sendable, Equatable {
    public var id: UInt32
    public var size: UInt64?
    public var headerLength: Int

    /// Parses a header at the start of `bytes`. Nil when `bytes` is too short to hold it.
    /// - Throws: `WebMError.invalidVarInt` for a first byte of zero (length over 8) or an id
    ///   longer than 4 bytes.
    public static func parse(_ bytes: ArraySlice<UInt8>) throws(WebMError) -> EBMLHeader? {
        guard let first = bytes.first else { return nil }
        let idLength = first.leadingZeroBitCount + 1
        guard first != 0, idLength <= 4 else { throw .invalidVarInt(kind: "element id") }
        guard bytes.count >= idLength + 1 else { return nil }
        var id: UInt32 = 0
        for byte in bytes.prefix(idLength) { id = id << 8 | UInt32(byte) }
        let sizeStart = bytes.startIndex + idLength
        let sizeFirst = bytes[sizeStart]
        guard sizeFirst != 0 else { throw .invalidVarInt(kind: "element size") }
        let sizeLength = sizeFirst.leadingZeroBitCount + 1
        guard bytes.count >= idLength + sizeLength else { return nil }
        // The marker bit is dropped from the value; all value bits set means "unknown".
        var value = UInt64(sizeFirst & (0xFF >> sizeLength))
        var allOnes = value == UInt64(0xFF >> sizeLength)
        for byte in bytes[(sizeStart + 1)..<(sizeStart + sizeLength)] {
            value = value << 8 | UInt64(byte)
            allOnes = allOnes && byte == 0xFF
        }
        return EBMLHeader(id: id, size: allOnes ? nil : value, headerLength: idLength + sizeLength)
    }

    /// The longest header: a 4-byte id and an 8-byte size.
    public static let maxLength = 12
}
