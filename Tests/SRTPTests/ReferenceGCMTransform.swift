// AEAD_AES_128_GCM packet protection written from RFC 7714 (§8.1, §8.2, §9.1, §9.2, §9.3),
// from session keys, for checking libsrtp byte for byte. Only protection: the tests unprotect
// through the SRTP module itself.

enum ReferenceGCMTransform {
    typealias Layout = ReferencePacketLayout

    /// RFC 7714 §8.1: IV = (00 00 || SSRC || ROC || SEQ) XOR salt, 12 bytes.
    static func rtpIV(salt: [UInt8], ssrc: UInt32, roc: UInt32, sequenceNumber: UInt16) throws -> [UInt8] {
        guard salt.count == 12 else { throw ReferencePrimitiveError(description: "GCM salt \(salt.count) bytes") }
        let block = [0, 0] + Layout.bytes(ssrc) + Layout.bytes(roc) + [UInt8(sequenceNumber >> 8), UInt8(sequenceNumber & 0xFF)]
        return Layout.xor(block, salt)
    }

    /// RFC 7714 §9.1: IV = (00 00 || SSRC || 00 00 || 0 || SRTCP index) XOR salt, 12 bytes.
    static func rtcpIV(salt: [UInt8], ssrc: UInt32, srtcpIndex: UInt32) throws -> [UInt8] {
        guard salt.count == 12, srtcpIndex < 1 << 31 else {
            throw ReferencePrimitiveError(description: "GCM SRTCP IV: salt \(salt.count) bytes, index \(srtcpIndex)")
        }
        let block = [0, 0] + Layout.bytes(ssrc) + [0, 0] + Layout.bytes(srtcpIndex)
        return Layout.xor(block, salt)
    }

    /// SRTP (RFC 7714 §8.2): the whole RTP header (CSRCs and extension included) is the AAD,
    /// the payload the plaintext; the packet is header || ciphertext || 16-byte tag.
    static func protectRTP(_ packet: [UInt8], keys: ReferenceKeyDerivation.GCMSessionKeys, roc: UInt32) throws -> [UInt8] {
        let headerLength = try Layout.rtpHeaderLength(packet)
        let iv = try rtpIV(salt: keys.rtpSalt, ssrc: try Layout.rtpSSRC(packet), roc: roc,
                           sequenceNumber: try Layout.rtpSequenceNumber(packet))
        let header = Array(packet[..<headerLength])
        let sealed = try ReferencePrimitives.aes128GCMSeal(key: keys.rtpKey, iv: iv, aad: header,
                                                           plaintext: Array(packet[headerLength...]))
        return header + sealed.ciphertext + sealed.tag
    }

    /// SRTCP with encryption (RFC 7714 §9.1, §9.2, §17): AAD = first 8 bytes || E=1 || index,
    /// plaintext = the rest; the packet is header || ciphertext || tag || E || index.
    static func protectRTCP(_ packet: [UInt8], keys: ReferenceKeyDerivation.GCMSessionKeys, srtcpIndex: UInt32) throws -> [UInt8] {
        let iv = try rtcpIV(salt: keys.rtcpSalt, ssrc: try Layout.rtcpSSRC(packet), srtcpIndex: srtcpIndex)
        let header = Array(packet[..<8])
        let flaggedIndex = Layout.bytes(0x8000_0000 | srtcpIndex)
        let sealed = try ReferencePrimitives.aes128GCMSeal(key: keys.rtcpKey, iv: iv, aad: header + flaggedIndex,
                                                           plaintext: Array(packet[8...]))
        return header + sealed.ciphertext + sealed.tag + flaggedIndex
    }
}
