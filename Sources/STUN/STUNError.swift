// Module STUN: Session Traversal Utilities for NAT (RFC 8489, RFC 5389) as ICE needs them.
//
// What it does: parses and builds STUN messages (class, method, transaction id, attributes),
// computes and verifies MESSAGE-INTEGRITY (HMAC-SHA1) and FINGERPRINT (CRC-32), encodes
// XOR-MAPPED-ADDRESS for IPv4 and IPv6, and offers allocation-free checks for the demux path
// (`STUNPeek`). Sans-I/O: bytes in, values or bytes out.
//
// What it does not: no client transactions or retransmission timers, no TURN methods, no
// long-term-credential challenge state (only the key derivation), no SASLprep (callers pass
// prepared strings; ICE credentials are ASCII anyway), no MESSAGE-INTEGRITY-SHA256.

/// Why a datagram is not an acceptable STUN message.
public enum STUNError: Error, Sendable, Hashable {
    /// Fewer than the 20 bytes of a STUN header.
    case tooShort(count: Int)
    /// The first two bits are not zero: this is some other protocol (RFC 7983 demux).
    case notSTUN
    case badMagicCookie
    /// The header's length field is not a multiple of 4.
    case unalignedLength(Int)
    /// The header's length field does not match the datagram (20 + length).
    case lengthMismatch(declared: Int, actual: Int)
    /// An attribute's declared length (plus padding) runs past the end of the message.
    case attributeOverrun(type: UInt16)
    /// An attribute we understand has a value of the wrong size or contents.
    case malformedAttribute(type: UInt16)
    /// A text attribute is not valid UTF-8 or is longer than the RFC allows.
    case invalidText(type: UInt16)
    /// FINGERPRINT is not the last attribute.
    case attributeAfterFingerprint
    case fingerprintMismatch
    /// Integrity was asked for but the message carries no MESSAGE-INTEGRITY.
    case integrityMissing
    case integrityMismatch
    /// The message (or one attribute value) would not fit the 16-bit length fields.
    case messageTooLarge
}
