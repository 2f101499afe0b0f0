/// A parsed RTP fixed header (RFC 3550 §5.1) with the offsets of its variable parts.
///
/// Parsing reads the caller's buffer in place: nothing is copied and nothing is allocated. The
/// header keeps scalar fields and offsets only, so it is a plain `Sendable` value; accessors that
/// reach into variable parts (CSRCs, extensions) take the same buffer again.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// |V=2|P|X|  CC   |M|     PT      |       sequence number         |
/// |                           timestamp                           |
/// |                             SSRC                              |
/// |                        CSRC list (CC × 32 bits)               |
/// | extension profile             |  extension length (words)     |  (if X)
/// |                      extension data ...                       |
/// ```
public struct RTPHeader: Sendable, Equatable {
    /// Bytes of the fixed part (V..SSRC).
    public static let fixedLength = 12

    /// Always 2: anything else is rejected by the parser.
    public var version: UInt8 { 2 }
    /// The P bit: the packet ends with `paddingLength` padding bytes.
    public let padding: Bool
    /// The X bit: a header extension block follows the CSRC list.
    public let hasExtension: Bool
    /// Number of CSRC identifiers (0...15).
    public let csrcCount: Int
    public let marker: Bool
    /// Payload type (0...127).
    public let payloadType: UInt8
    public let sequenceNumber: UInt16
    public let timestamp: UInt32
    public let ssrc: UInt32
    /// The 16-bit profile of the extension block (0xBEDE, 0x100X, or anything else); 0 when absent.
    public let extensionProfile: UInt16
    /// Offsets of the extension block's data (after its 4-byte profile/length word). Empty when
    /// there is no extension block.
    public let extensionRange: Range<Int>
    /// Offsets of the payload: after the header, before the padding.
    public let payloadRange: Range<Int>
    /// Bytes of padding at the end of the packet (0 when P is clear).
    public let paddingLength: Int

    /// Bytes from the start of the packet to the payload (fixed part, CSRCs and extension block).
    @inlinable public var headerLength: Int { payloadRange.lowerBound }

    /// The RFC 8285 form of the extension block, or nil when absent or of another profile.
    @inlinable public var extensionForm: RTPHeaderExtensionForm? {
        hasExtension ? RTPHeaderExtensionForm(profile: extensionProfile) : nil
    }

    /// Parses the header of the RTP packet that fills `buffer`.
    ///
    /// Validates the version, that the CSRC list and extension block fit, that RFC 8285 extension
    /// elements stay inside their block, and the padding count.
    @inlinable
    public init(parsing buffer: UnsafeRawBufferPointer) throws(RTPError) {
        let count = buffer.count
        guard count >= RTPHeader.fixedLength else {
            throw .truncated(needed: RTPHeader.fixedLength, have: count)
        }
        let b0 = buffer[0]
        guard b0 >> 6 == 2 else { throw .badVersion(b0 >> 6) }
        let b1 = buffer[1]
        padding = b0 & 0x20 != 0
        hasExtension = b0 & 0x10 != 0
        csrcCount = Int(b0 & 0x0F)
        marker = b1 & 0x80 != 0
        payloadType = b1 & 0x7F
        sequenceNumber = buffer.beUInt16(at: 2)
        timestamp = buffer.beUInt32(at: 4)
        ssrc = buffer.beUInt32(at: 8)

        var offset = RTPHeader.fixedLength + csrcCount * 4
        guard count >= offset else { throw .truncated(needed: offset, have: count) }
        if hasExtension {
            guard count >= offset + 4 else { throw .truncated(needed: offset + 4, have: count) }
            let profile = buffer.beUInt16(at: offset)
            let start = offset + 4
            let end = start + Int(buffer.beUInt16(at: offset + 2)) * 4
            guard count >= end else { throw .truncated(needed: end, have: count) }
            if let form = RTPHeaderExtensionForm(profile: profile) {
                try RTPHeaderExtensions.validate(buffer, start..<end, form: form)
            }
            extensionProfile = profile
            extensionRange = start..<end
            offset = end
        } else {
            extensionProfile = 0
            extensionRange = offset..<offset
        }

        var end = count
        if padding {
            // RFC 3550: the last octet counts the padding, itself included, so 0 is malformed.
            guard count > offset else { throw .badPadding(count: 0, available: 0) }
            let pad = Int(buffer[count - 1])
            guard pad > 0, pad <= count - offset else {
                throw .badPadding(count: pad, available: count - offset)
            }
            end -= pad
            paddingLength = pad
        } else {
            paddingLength = 0
        }
        payloadRange = offset..<end
    }

    /// Parses the header of the RTP packet in `bytes`.
    public init(parsing bytes: [UInt8]) throws(RTPError) {
        let result: Result<RTPHeader, RTPError> = bytes.withUnsafeBytes { buffer in
            Result { () throws(RTPError) in try RTPHeader(parsing: buffer) }
        }
        self = try result.get()
    }

    /// The CSRC identifiers, read from `buffer` (the buffer this header was parsed from).
    @inlinable
    public func csrcs(in buffer: UnsafeRawBufferPointer) -> RTPCSRCList {
        RTPCSRCList(buffer: buffer, count: min(csrcCount, max(0, (buffer.count - RTPHeader.fixedLength) / 4)))
    }

    /// The RFC 8285 extension elements, in wire order; empty for other profiles.
    @inlinable
    public func extensions(in buffer: UnsafeRawBufferPointer) -> RTPHeaderExtensions {
        RTPHeaderExtensions(buffer: buffer, range: extensionRange, form: extensionForm)
    }

    /// Offsets of the value of the extension element with local `id`, or nil when absent.
    @inlinable
    public func extensionValueRange(id: UInt8, in buffer: UnsafeRawBufferPointer) -> Range<Int>? {
        var elements = extensions(in: buffer)
        while let element = elements.next() {
            if element.id == id { return element.range }
        }
        return nil
    }
}

/// The CSRC list of a parsed header: a view over the packet buffer, valid while the buffer is.
public struct RTPCSRCList: RandomAccessCollection {
    @usableFromInline let buffer: UnsafeRawBufferPointer
    public let count: Int

    @inlinable init(buffer: UnsafeRawBufferPointer, count: Int) {
        self.buffer = buffer
        self.count = count
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { count }

    @inlinable public subscript(position: Int) -> UInt32 {
        precondition(position >= 0 && position < count, "CSRC index out of range")
        return buffer.beUInt32(at: RTPHeader.fixedLength + position * 4)
    }
}
