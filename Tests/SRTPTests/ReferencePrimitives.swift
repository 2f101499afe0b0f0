// The block-cipher and MAC primitives under the test-only SRTP reference, from OpenSSL's EVP API.
// This is the only file in SRTPTests that calls C: everything SRTP-specific (key derivation,
// counters, IVs, packet layout) is written in Swift on top of these three functions, so the
// reference shares no SRTP code with libsrtp, only AES and SHA-1.

import COpenSSL

/// A primitive failed inside OpenSSL, or was handed a size it does not take.
struct ReferencePrimitiveError: Error, CustomStringConvertible {
    let description: String
}

enum ReferencePrimitives {
    /// AES-128 in ECB mode without padding: each 16-byte block of `blocks` encrypted on its own.
    /// Counter modes are built from this in Swift, so the counter arithmetic is ours to check.
    static func aes128ECB(key: [UInt8], blocks: [UInt8]) throws -> [UInt8] {
        guard key.count == 16, blocks.count % 16 == 0, blocks.count <= Int(Int32.max) else {
            throw ReferencePrimitiveError(description: "AES-128-ECB: key \(key.count) bytes, input \(blocks.count) bytes")
        }
        guard let context = EVP_CIPHER_CTX_new() else { throw ReferencePrimitiveError(description: "EVP_CIPHER_CTX_new") }
        defer { EVP_CIPHER_CTX_free(context) }
        var output = [UInt8](repeating: 0, count: blocks.count + 16)
        var written: Int32 = 0
        var finalWritten: Int32 = 0
        let ok = EVP_EncryptInit_ex(context, EVP_aes_128_ecb(), nil, key, nil) == 1
            && EVP_CIPHER_CTX_set_padding(context, 0) == 1
            && EVP_EncryptUpdate(context, &output, &written, blocks, Int32(blocks.count)) == 1
            && output.withUnsafeMutableBufferPointer { buffer in
                EVP_EncryptFinal_ex(context, buffer.baseAddress.map { $0 + Int(written) }, &finalWritten) == 1
            }
        guard ok, Int(written + finalWritten) == blocks.count else {
            throw ReferencePrimitiveError(description: "AES-128-ECB failed")
        }
        return Array(output.prefix(blocks.count))
    }

    /// HMAC-SHA1 (RFC 2104), the full 20-byte MAC.
    static func hmacSHA1(key: [UInt8], data: [UInt8]) throws -> [UInt8] {
        var mac = [UInt8](repeating: 0, count: 20)
        var macLength: UInt32 = 0
        guard key.count <= Int(Int32.max),
              HMAC(EVP_sha1(), key, Int32(key.count), data, data.count, &mac, &macLength) != nil,
              macLength == 20 else {
            throw ReferencePrimitiveError(description: "HMAC-SHA1 failed")
        }
        return mac
    }

    /// AES-128-GCM encryption (NIST SP 800-38D) with a 12-byte IV and a 16-byte tag.
    static func aes128GCMSeal(key: [UInt8], iv: [UInt8], aad: [UInt8], plaintext: [UInt8]) throws
        -> (ciphertext: [UInt8], tag: [UInt8]) {
        guard key.count == 16, iv.count == 12, aad.count <= Int(Int32.max), plaintext.count <= Int(Int32.max) else {
            throw ReferencePrimitiveError(description: "AES-128-GCM: key \(key.count) bytes, IV \(iv.count) bytes")
        }
        guard let context = EVP_CIPHER_CTX_new() else { throw ReferencePrimitiveError(description: "EVP_CIPHER_CTX_new") }
        defer { EVP_CIPHER_CTX_free(context) }
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count + 16)
        var tag = [UInt8](repeating: 0, count: 16)
        var aadWritten: Int32 = 0
        var written: Int32 = 0
        var finalWritten: Int32 = 0
        let ok = EVP_EncryptInit_ex(context, EVP_aes_128_gcm(), nil, nil, nil) == 1
            && EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, 12, nil) == 1
            && EVP_EncryptInit_ex(context, nil, nil, key, iv) == 1
            && (aad.isEmpty || EVP_EncryptUpdate(context, nil, &aadWritten, aad, Int32(aad.count)) == 1)
            && EVP_EncryptUpdate(context, &ciphertext, &written, plaintext, Int32(plaintext.count)) == 1
            && ciphertext.withUnsafeMutableBufferPointer { buffer in
                EVP_EncryptFinal_ex(context, buffer.baseAddress.map { $0 + Int(written) }, &finalWritten) == 1
            }
            && EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, 16, &tag) == 1
        guard ok, Int(written + finalWritten) == plaintext.count else {
            throw ReferencePrimitiveError(description: "AES-128-GCM failed")
        }
        return (Array(ciphertext.prefix(plaintext.count)), tag)
    }
}
