// FINGERPRINT (RFC 8489 §14.7): CRC-32 of the message up to the attribute, XOR 0x5354554e,
// computed with the header length already counting the FINGERPRINT attribute. It lets a
// receiver tell STUN from other protocols multiplexed on the same port.

/// FINGERPRINT computation over bytes laid out as on the wire.
enum STUNFingerprint {
    /// The value for a FINGERPRINT attribute that will start at `attributeOffset` in
    /// `message`, whose header length field must already include the 8 bytes of the attribute.
    static func value(_ message: UnsafeRawBufferPointer, attributeOffset: Int) -> UInt32 {
        let covered = UnsafeRawBufferPointer(rebasing: message[0..<min(attributeOffset, message.count)])
        return CRC32.update(0, covered) ^ STUNWire.fingerprintXOR
    }
}
