// Cheap looks at a datagram for the demux path (RFC 7983), without parsing it into a message
// and without allocating: is this STUN at all, and which local ufrag does its USERNAME name,
// so a check from an unknown address can be routed to the pending peer that owns the ufrag.

/// Allocation-free checks on raw datagrams.
public enum STUNPeek {
    /// True when the framing is STUN's: first two bits zero, magic cookie, and a length field
    /// that is a multiple of 4 and matches the datagram exactly.
    public static func isLikelySTUN(_ datagram: UnsafeRawBufferPointer) -> Bool {
        (try? STUNHeader(validating: CheckedBytes(base: datagram))) != nil
    }

    public static func isLikelySTUN(_ datagram: [UInt8]) -> Bool {
        datagram.withUnsafeBytes { isLikelySTUN($0) }
    }

    /// The byte range, within `datagram`, of the USERNAME's part before the first ':'. For an
    /// ICE check that is the recipient's (our) ufrag. Nil when the datagram is not STUN, has no
    /// USERNAME, the USERNAME has no ':', or the local part is empty. Nothing is authenticated
    /// here: the caller still hands the datagram to the ICE agent, which verifies it.
    public static func usernameLocalPart(_ datagram: UnsafeRawBufferPointer) -> Range<Int>? {
        let bytes = CheckedBytes(base: datagram)
        guard (try? STUNHeader(validating: bytes)) != nil else { return nil }
        var cursor = AttributeCursor(bytes)
        while let span = try? cursor.next() {
            guard span.type == STUNAttributeType.username.rawValue else { continue }
            var index = span.valueOffset
            let end = span.valueOffset + span.length
            while index < end, let byte = bytes.u8(index) {
                if byte == UInt8(ascii: ":") {
                    return index > span.valueOffset ? span.valueOffset..<index : nil
                }
                index += 1
            }
            return nil
        }
        return nil
    }

    public static func usernameLocalPart(_ datagram: [UInt8]) -> ArraySlice<UInt8>? {
        datagram.withUnsafeBytes { raw in usernameLocalPart(raw).map { datagram[$0] } }
    }
}
