import MatroskaFormat

/// Writes EBML (RFC 8794), the binary format of Matroska and WebM: elements as
/// id · size · data, where ids keep their length-marker bits and sizes are variable-length
/// integers. Sans-I/O: bytes accumulate in `bytes` for the caller to write.
public struct EBMLWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    /// The size a master element of unknown length announces (all value bits set): a reader
    /// takes everything up to the next element of its level, which is what lets a file written
    /// live, and cut by a crash, still be read.
    public static let unknownSize: [UInt8] = [0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]

    public init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    public var count: Int { bytes.count }

    public mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    // MARK: elements

    public mutating func unsigned(_ id: UInt32, _ value: UInt64) {
        var length = 1
        while length < 8, value >> (8 * UInt64(length)) != 0 { length += 1 }
        writeID(id)
        writeSize(UInt64(length))
        for shift in stride(from: (length - 1) * 8, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    /// An 8-byte IEEE float (readers accept 4 or 8; 8 keeps a duration exact to the millisecond).
    public mutating func float(_ id: UInt32, _ value: Double) {
        writeID(id)
        writeSize(8)
        appendBigEndian(value.bitPattern, length: 8)
    }

    public mutating func string(_ id: UInt32, _ value: String) {
        binary(id, Array(value.utf8))
    }

    public mutating func binary(_ id: UInt32, _ value: [UInt8]) {
        writeID(id)
        writeSize(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A master element whose children `body` writes; its size is known once they are.
    public mutating func master(_ id: UInt32, _ body: (inout EBMLWriter) -> Void) {
        var children = EBMLWriter()
        body(&children)
        writeID(id)
        writeSize(UInt64(children.count))
        bytes.append(contentsOf: children.bytes)
    }

    /// A master element's header with an unknown size: its children follow in later writes.
    public mutating func openMaster(_ id: UInt32) {
        writeID(id)
        bytes.append(contentsOf: Self.unknownSize)
    }

    /// A Void element (id 0xEC) taking exactly `total` bytes (at least 2): room a header keeps to
    /// be overwritten in place later (a SeekHead entry for the Cues written at the end).
    public mutating func void(total: Int) {
        precondition(total >= 2, "a Void element needs at least 2 bytes")
        writeID(EBMLID.void)
        // A one-byte size covers up to 126 bytes of data; beyond, an 8-byte size.
        if total - 2 <= 126 {
            writeSize(UInt64(total - 2))
            bytes.append(contentsOf: repeatElement(0, count: total - 2))
        } else {
            writeSize(UInt64(total - 9), width: 8)
            bytes.append(contentsOf: repeatElement(0, count: total - 9))
        }
    }

    public mutating func append(_ raw: [UInt8]) { bytes.append(contentsOf: raw) }

    // MARK: primitives

    /// Ids are written as they are spelled (0x1A45DFA3 is four bytes), marker bits included.
    public mutating func writeID(_ id: UInt32) {
        var length = 4
        while length > 1, id >> (8 * UInt32(length - 1)) == 0 { length -= 1 }
        appendBigEndian(UInt64(id), length: length)
    }

    /// A size as an EBML variable-length integer: the shortest width, unless `width` is given
    /// (a value a later patch may grow into). All-ones is reserved for "unknown", so the
    /// shortest width is the one whose maximum is strictly above the value.
    public mutating func writeSize(_ value: UInt64, width: Int? = nil) {
        bytes.append(contentsOf: Self.vint(value, width: width))
    }

    public static func vint(_ value: UInt64, width: Int? = nil) -> [UInt8] { EBMLVarInt.encode(value, width: width) }

    private mutating func appendBigEndian(_ value: UInt64, length: Int) {
        for shift in stride(from: (length - 1) * 8, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }
}
