/// Why an RTCP packet could not be read or written.
public enum RTCPError: Error, Equatable, Sendable {
    /// The buffer ends before a field that must be there.
    case truncated(needed: Int, have: Int)
    /// The version field is not 2.
    case badVersion(UInt8)
    /// The header's length field disagrees with the bytes present (or with the type's layout).
    case badLength(declared: Int, available: Int)
    /// The P bit is set but the padding count is 0 or longer than the packet body.
    case badPadding(UInt8)
    /// The packet is not of the type (and format) the parser was asked for.
    case wrongType(packetType: UInt8, format: UInt8)
    /// A count field (RC/SC/number of SSRCs) disagrees with the body.
    case badCount(Int)
    /// An SDES chunk is malformed: an item overruns, or the terminating null is missing.
    case badSourceDescription
    /// A REMB packet without the "REMB" unique identifier.
    case badUniqueIdentifier
    /// A transport-wide CC status symbol or chunk that the draft does not allow.
    case badStatusChunk
    /// A caller-supplied buffer is too small for what is being written.
    case bufferTooSmall(needed: Int, have: Int)
    /// A value that cannot be encoded (too many items, text over 255 bytes, gap in a list, ...).
    case valueOutOfRange(String)
    /// An empty datagram where at least one packet was expected.
    case empty
}
