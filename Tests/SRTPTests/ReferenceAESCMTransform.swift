// AES_CM_128_HMAC_SHA1_80 packet protection written from RFC 3711 (§3.1, §3.3, §3.4, §4.1.1,
// §4.2), from session keys, for checking libsrtp byte for byte. Only protection: the tests
// unprotect through the SRTP module itself.

enum ReferenceAESCMTransform {
    typealias Layout = ReferencePacketLayout

    /// RFC 3711 §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), as 16 bytes.
    static func iv(salt: [UInt8], ssrc: UInt32, index: UInt64) throws -> [UInt8] {
        guard salt.count == 14, index < 1 << 48 else {
            throw ReferencePrimitiveError(description: "AES-CM IV: salt \(salt.count) bytes, index \(index)")
        }
        var block = salt + [0, 0]
        let ssrcBytes = Layout.bytes(ssrc)
        for n in 0..<4 { block[4 + n] ^= ssrcBytes[n] }
        for n in 0..<6 { block[8 + n] ^= UInt8(index >> (40 - 8 * UInt64(n)) & 0xFF) }
        return block
    }

    /// SRTP (RFC 3711 §3.1, §3.3): the payload after the header (CSRCs and extension included)
    /// is XORed with the keystream at index i = 2^16 * ROC + SEQ; the tag is the first 80 bits of
    /// HMAC-SHA1(auth key, header || encrypted payload || ROC) (§4.2).
    static func protectRTP(_ packet: [UInt8], keys: ReferenceKeyDerivation.CMSessionKeys, roc: UInt32) throws -> [UInt8] {
        let headerLength = try Layout.rtpHeaderLength(packet)
        let index = UInt64(roc) << 16 | UInt64(try Layout.rtpSequenceNumber(packet))
        let payload = Array(packet[headerLength...])
        let stream = try ReferenceKeyDerivation.keystream(
            key: keys.rtpKey, iv: try iv(salt: keys.rtpSalt, ssrc: try Layout.rtpSSRC(packet), index: index),
            length: payload.count)
        let authenticated = Array(packet[..<headerLength]) + Layout.xor(payload, stream)
        let mac = try ReferencePrimitives.hmacSHA1(key: keys.rtpAuthKey, data: authenticated + Layout.bytes(roc))
        return authenticated + mac.prefix(10)
    }

    /// SRTCP (RFC 3711 §3.4): everything after the first 8 bytes (header and sender SSRC) is
    /// encrypted with the keystream at the 31-bit SRTCP index; then E=1 || index and an 80-bit
    /// tag over header || encrypted part || E || index follow.
    static func protectRTCP(_ packet: [UInt8], keys: ReferenceKeyDerivation.CMSessionKeys, srtcpIndex: UInt32) throws -> [UInt8] {
        guard srtcpIndex < 1 << 31 else { throw ReferencePrimitiveError(description: "SRTCP index \(srtcpIndex)") }
        let ssrc = try Layout.rtcpSSRC(packet)
        let body = Array(packet[8...])
        let stream = try ReferenceKeyDerivation.keystream(
            key: keys.rtcpKey, iv: try iv(salt: keys.rtcpSalt, ssrc: ssrc, index: UInt64(srtcpIndex)),
            length: body.count)
        let authenticated = Array(packet[..<8]) + Layout.xor(body, stream) + Layout.bytes(0x8000_0000 | srtcpIndex)
        let mac = try ReferencePrimitives.hmacSHA1(key: keys.rtcpAuthKey, data: authenticated)
        return authenticated + mac.prefix(10)
    }
}
