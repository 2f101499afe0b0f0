/// Why an RTP header, header extension or payload could not be read or written.
public enum RTPError: Error, Equatable, Sendable {
    /// The buffer ends before a field that must be there.
    case truncated(needed: Int, have: Int)
    /// The version field is not 2.
    case badVersion(UInt8)
    /// The P bit is set but the padding count is 0 or longer than what follows the header.
    case badPadding(count: Int, available: Int)
    /// A header-extension element runs past the extension block, or uses a reserved id.
    case badExtensionElement(offset: Int)
    /// An extension id or length that the chosen form (one-byte / two-byte) cannot carry.
    case badExtensionID(UInt8)
    /// An extension value whose length does not match what its format requires.
    case badExtensionLength(expected: Int, have: Int)
    /// A caller-supplied buffer is too small for what is being written.
    case bufferTooSmall(needed: Int, have: Int)
    /// A field value does not fit in its wire width (e.g. more than 15 CSRCs).
    case valueOutOfRange
    /// A codec payload header is malformed (reason says which rule failed).
    case badPayload(String)
}
