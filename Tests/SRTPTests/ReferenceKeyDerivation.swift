// RFC 3711's AES counter mode (§4.1.1) and its AES-CM PRF key derivation (§4.3.1, §4.3.3),
// written from the RFC text for the test reference. libsrtp takes only master keys, so checking
// its output byte for byte needs an independent derivation of the session keys; this one is
// itself pinned to RFC 3711 Appendix B.2 and B.3.

enum ReferenceKeyDerivation {
    /// The key derivation labels (RFC 3711 §4.3.1 and §4.3.2; RFC 7714 §11 reuses them).
    enum Label: UInt8 {
        case rtpEncryption = 0x00
        case rtpAuthentication = 0x01
        case rtpSalt = 0x02
        case rtcpEncryption = 0x03
        case rtcpAuthentication = 0x04
        case rtcpSalt = 0x05
    }

    /// AES-CM keystream (RFC 3711 §4.1.1): E(k, IV) || E(k, IV + 1 mod 2^128) || ..., cut to
    /// `length` bytes. The 128-bit counter is incremented here, not by OpenSSL's CTR mode.
    static func keystream(key: [UInt8], iv: [UInt8], length: Int) throws -> [UInt8] {
        guard iv.count == 16, length >= 0 else {
            throw ReferencePrimitiveError(description: "keystream: IV \(iv.count) bytes, length \(length)")
        }
        let blockCount = (length + 15) / 16
        var counterBlocks = [UInt8]()
        counterBlocks.reserveCapacity(blockCount * 16)
        var counter = iv
        for _ in 0..<blockCount {
            counterBlocks += counter
            // Big-endian increment with carry across all 16 bytes (mod 2^128).
            var position = 15
            while position >= 0 {
                counter[position] &+= 1
                if counter[position] != 0 { break }
                position -= 1
            }
        }
        return Array(try ReferencePrimitives.aes128ECB(key: key, blocks: counterBlocks).prefix(length))
    }

    /// The AES-CM PRF KDF (RFC 3711 §4.3.1, §4.3.3) with key_derivation_rate 0, so r = 0:
    /// x = (label || r) XOR master_salt, aligned to the low end of the 112-bit salt, and the
    /// session key is the AES-CM keystream of the master key from IV = x * 2^16.
    ///
    /// - Parameter masterSalt: 14 bytes. A 12-byte AEAD master salt is first multiplied by 2^16
    ///   (two zero bytes appended) per RFC 7714 errata 4938; see `paddedAEADSalt`.
    static func derive(masterKey: [UInt8], masterSalt: [UInt8], label: Label, length: Int) throws -> [UInt8] {
        guard masterKey.count == 16, masterSalt.count == 14 else {
            throw ReferencePrimitiveError(description: "KDF: master key \(masterKey.count) bytes, salt \(masterSalt.count) bytes")
        }
        // key_id = label (8 bits) || r (48 bits, zero) occupies the salt's last 7 bytes, so the
        // label lands on byte 7 and r XORs in nothing.
        var x = masterSalt
        x[7] ^= label.rawValue
        return try keystream(key: masterKey, iv: x + [0, 0], length: length)
    }

    /// RFC 7714 §11 with errata 4938: the 96-bit AEAD master salt, times 2^16, is the 112-bit
    /// master salt the RFC 3711 KDF takes.
    static func paddedAEADSalt(_ salt: [UInt8]) -> [UInt8] { salt + [0, 0] }

    /// Session keys for AES_CM_128_HMAC_SHA1_80 in one direction (RFC 3711 §4.3, §8.2 lengths).
    struct CMSessionKeys: Equatable {
        var rtpKey: [UInt8]
        var rtpSalt: [UInt8]
        var rtpAuthKey: [UInt8]
        var rtcpKey: [UInt8]
        var rtcpSalt: [UInt8]
        var rtcpAuthKey: [UInt8]
    }

    static func cmSessionKeys(masterKey: [UInt8], masterSalt: [UInt8]) throws -> CMSessionKeys {
        func d(_ label: Label, _ length: Int) throws -> [UInt8] {
            try derive(masterKey: masterKey, masterSalt: masterSalt, label: label, length: length)
        }
        return CMSessionKeys(rtpKey: try d(.rtpEncryption, 16), rtpSalt: try d(.rtpSalt, 14),
                             rtpAuthKey: try d(.rtpAuthentication, 20),
                             rtcpKey: try d(.rtcpEncryption, 16), rtcpSalt: try d(.rtcpSalt, 14),
                             rtcpAuthKey: try d(.rtcpAuthentication, 20))
    }

    /// Session keys for AEAD_AES_128_GCM in one direction (RFC 7714 §11, §12: 16-byte key,
    /// 12-byte salt; no authentication key, GCM authenticates).
    struct GCMSessionKeys: Equatable {
        var rtpKey: [UInt8]
        var rtpSalt: [UInt8]
        var rtcpKey: [UInt8]
        var rtcpSalt: [UInt8]
    }

    static func gcmSessionKeys(masterKey: [UInt8], masterSalt: [UInt8]) throws -> GCMSessionKeys {
        let salt112 = paddedAEADSalt(masterSalt)
        func d(_ label: Label, _ length: Int) throws -> [UInt8] {
            try derive(masterKey: masterKey, masterSalt: salt112, label: label, length: length)
        }
        return GCMSessionKeys(rtpKey: try d(.rtpEncryption, 16), rtpSalt: try d(.rtpSalt, 12),
                              rtcpKey: try d(.rtcpEncryption, 16), rtcpSalt: try d(.rtcpSalt, 12))
    }
}
