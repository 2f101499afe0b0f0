// MESSAGE-INTEGRITY (RFC 8489 §14.5): HMAC-SHA1 over the message up to the attribute, with
// the header's length field rewritten to end just after MESSAGE-INTEGRITY (so a FINGERPRINT
// that follows does not change the MAC).

import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Computes and verifies MESSAGE-INTEGRITY over bytes laid out as on the wire.
public enum STUNMessageIntegrity {
    /// Verifies the first MESSAGE-INTEGRITY of `datagram` with `key`.
    /// Throws `.integrityMissing`, `.integrityMismatch`, or a framing error.
    public static func verify(_ datagram: UnsafeRawBufferPointer, key: STUNIntegrityKey) throws(STUNError) {
        let bytes = CheckedBytes(base: datagram)
        _ = try STUNHeader(validating: bytes)
        var cursor = AttributeCursor(bytes)
        while let span = try cursor.next() {
            guard span.type == STUNAttributeType.messageIntegrity.rawValue else { continue }
            guard span.length == STUNWire.integrityLength,
                  let received = bytes.slice(span.valueOffset, length: STUNWire.integrityLength) else {
                throw .malformedAttribute(type: span.type)
            }
            let expected = mac(datagram, attributeOffset: span.offset, key: key)
            // Constant-time compare: the MAC is a secret-dependent value.
            var difference: UInt8 = 0
            expected.withUnsafeBytes { expected in
                for i in 0..<STUNWire.integrityLength { difference |= expected[i] ^ received[i] }
            }
            guard difference == 0 else { throw .integrityMismatch }
            return
        }
        throw .integrityMissing
    }

    /// Verifies MESSAGE-INTEGRITY of a message held in any byte collection.
    public static func verify(_ datagram: some Collection<UInt8>, key: STUNIntegrityKey) throws(STUNError) {
        let result: Result<Void, STUNError> = withContiguousBytes(of: datagram) { raw in
            Result { () throws(STUNError) in try verify(raw, key: key) }
        }
        try result.get()
    }

    /// The HMAC for a MESSAGE-INTEGRITY attribute whose TLV starts at `attributeOffset`.
    /// Only the bytes before it are read; the length field fed to the HMAC is the one that
    /// ends right after the 24-byte attribute.
    static func mac(_ message: UnsafeRawBufferPointer, attributeOffset: Int, key: STUNIntegrityKey) -> HashedAuthenticationCode<Insecure.SHA1> {
        let end = min(max(attributeOffset, STUNWire.headerLength), message.count)
        let adjustedLength = UInt16(truncatingIfNeeded: end + 4 + STUNWire.integrityLength - STUNWire.headerLength)
        var hmac = key.keyedHMAC
        hmac.update(data: UnsafeRawBufferPointer(rebasing: message[0..<min(2, end)]))
        withUnsafeBytes(of: adjustedLength.bigEndian) { hmac.update(data: $0) }
        hmac.update(data: UnsafeRawBufferPointer(rebasing: message[min(4, end)..<end]))
        return hmac.finalize()
    }
}

/// Runs `body` over the bytes of `collection`, copying only if it has no contiguous storage.
func withContiguousBytes<R>(of collection: some Collection<UInt8>, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    if let result = collection.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) {
        return result
    }
    return Array(collection).withUnsafeBytes(body)
}
