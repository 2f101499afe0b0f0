// Header bounds checked before a packet reaches libsrtp, so that what libsrtp reads (CSRC list,
// header extension, SRTCP trailer) is inside the bytes we hand it, whatever libsrtp itself checks.

enum PacketShape {
    /// RTP (RFC 3550 §5.1): version 2; fixed header, CSRCs and the extension (if X) fit in
    /// `length` with `trailing` bytes to spare.
    static func isRTP(_ bytes: UnsafeRawBufferPointer, length: Int, trailing: Int) -> Bool {
        guard length >= 12, length <= bytes.count, bytes[0] >> 6 == 2 else { return false }
        var header = 12 + 4 * Int(bytes[0] & 0x0F)
        if bytes[0] & 0x10 != 0 {
            guard header + 4 <= length else { return false }
            let words = Int(bytes[header + 2]) << 8 | Int(bytes[header + 3])
            header += 4 + 4 * words
        }
        return header + trailing <= length
    }

    /// RTCP (RFC 3550 §6.4): version 2, at least the 8-byte header with the sender SSRC, plus
    /// `trailing` bytes (the SRTCP index and tag when unprotecting).
    static func isRTCP(_ bytes: UnsafeRawBufferPointer, length: Int, trailing: Int) -> Bool {
        length >= 8 + trailing && length <= bytes.count && bytes[0] >> 6 == 2
    }
}
