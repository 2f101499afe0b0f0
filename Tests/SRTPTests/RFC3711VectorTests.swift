// AES_CM_128_HMAC_SHA1_80 byte for byte. libsrtp derives session keys itself, so the chain is:
// the Swift reference KDF and keystream reproduce RFC 3711 Appendix B.3 and B.2 exactly; the
// reference packet transform built on them is then the oracle for what SRTPSession sends.

import SRTP
import Testing

@Suite struct RFC3711VectorTests {
    static let hex = SRTPVectors.hex
    typealias KDF = ReferenceKeyDerivation

    /// RFC 3711 Appendix B.3 master key and master salt.
    static let masterKey = hex("E1F97A0D3E018BE0D64FA32C06DE4139")
    static let masterSalt = hex("0EC675AD498AFEEBB6960B3AABE6")

    @Test func keyDerivationReproducesAppendixB3() throws {
        #expect(try KDF.derive(masterKey: Self.masterKey, masterSalt: Self.masterSalt, label: .rtpEncryption, length: 16)
            == Self.hex("C61E7A93744F39EE10734AFE3FF7A087"))
        #expect(try KDF.derive(masterKey: Self.masterKey, masterSalt: Self.masterSalt, label: .rtpSalt, length: 14)
            == Self.hex("30CBBC08863D8C85D49DB34A9AE1"))
        // B.3 lists 94 bytes of the authentication keystream; the profile uses the first 20.
        #expect(try KDF.derive(masterKey: Self.masterKey, masterSalt: Self.masterSalt, label: .rtpAuthentication, length: 94)
            == Self.hex("""
                CEBE321F6FF7716B6FD4AB49AF256A15 6D38BAA48F0A0ACF3C34E2359E6CDBCE
                E049646C43D9327AD175578EF7227098 6371C10C9A369AC2F94A8C5FBCDDDC25
                6D6E919A48B610EF17C2041E47403576 6B68642C59BBFC2F34DB60DBDFB2
                """))
        let keys = try KDF.cmSessionKeys(masterKey: Self.masterKey, masterSalt: Self.masterSalt)
        #expect(keys.rtpAuthKey == Self.hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"))
        // The SRTCP labels (§4.3.2) give keys of their own.
        #expect(keys.rtcpKey != keys.rtpKey && keys.rtcpSalt != keys.rtpSalt && keys.rtcpAuthKey != keys.rtpAuthKey)
    }

    /// RFC 3711 Appendix B.2: session key 2B7E...4F3C, salt F0F1...FCFD, SSRC 0, index 0,
    /// keystream blocks 0x0000-0x0002 and 0xFEFF-0xFF01 (the counter carries into a second byte).
    @Test func keystreamReproducesAppendixB2() throws {
        let sessionKey = Self.hex("2B7E151628AED2A6ABF7158809CF4F3C")
        let iv = try ReferenceAESCMTransform.iv(salt: Self.hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD"), ssrc: 0, index: 0)
        #expect(iv == Self.hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"))
        let stream = try KDF.keystream(key: sessionKey, iv: iv, length: 0xFF02 * 16)
        func block(_ n: Int) -> [UInt8] { Array(stream[(n * 16)..<(n * 16 + 16)]) }
        #expect(block(0x0000) == Self.hex("E03EAD0935C95E80E166B16DD92B4EB4"))
        #expect(block(0x0001) == Self.hex("D23513162B02D0F72A43A2FE4A5F97AB"))
        #expect(block(0x0002) == Self.hex("41E95B3BB0A2E8DD477901E4FCA894C0"))
        #expect(block(0xFEFF) == Self.hex("EC8CDF7398607CB0F2D21675EA9EA1E4"))
        #expect(block(0xFF00) == Self.hex("362B7C3C6773516318A077D7FC5073AE"))
        #expect(block(0xFF01) == Self.hex("6A2CC3787889374FBEB4C81B17BA6C44"))
    }

    /// §4.1.1's IV layout: salt at bits 16..127, SSRC at bits 64..95, the 48-bit index at 16..63.
    @Test func ivPlacesSaltSSRCAndIndexPerSection411() throws {
        #expect(try ReferenceAESCMTransform.iv(salt: [UInt8](repeating: 0, count: 14), ssrc: 0x1122_3344, index: 0x5566_7788_99AA)
            == Self.hex("00000000 11223344 55667788 99AA0000"))
        #expect(try ReferenceAESCMTransform.iv(salt: [UInt8](repeating: 0xFF, count: 14), ssrc: 0x0F0F_0F0F, index: 1)
            == Self.hex("FFFFFFFF F0F0F0F0 FFFFFFFF FFFE0000"))
    }

    /// The reference agrees with libsrtp's own published known-answer packets (srtp_driver.c,
    /// whose master key is B.3's), a check on the reference from a second source.
    @Test func referenceReproducesLibsrtpPublishedPackets() throws {
        let keys = try KDF.cmSessionKeys(masterKey: SRTPVectors.AESCM.key, masterSalt: SRTPVectors.AESCM.salt)
        #expect(try ReferenceAESCMTransform.protectRTP(SRTPVectors.rtpPlaintext, keys: keys, roc: 0) == SRTPVectors.AESCM.srtp)
        #expect(try ReferenceAESCMTransform.protectRTCP(SRTPVectors.rtcpPlaintext, keys: keys, srtcpIndex: 1)
            == SRTPVectors.AESCM.srtcp)
    }

    static func session() throws -> SRTPSession {
        // The same master key both ways, so the session unprotects what it protected.
        try SRTPSession(profile: .aes128CmHmacSha1_80, localKey: masterKey, localSalt: masterSalt,
                        remoteKey: masterKey, remoteSalt: masterSalt)
    }

    @Test func sessionProtectsRTPExactlyLikeTheReference() throws {
        let keys = try KDF.cmSessionKeys(masterKey: Self.masterKey, masterSalt: Self.masterSalt)
        let srtp = try Self.session()
        for (n, (plaintext, roc)) in ReferenceTestPackets.rtpRun.enumerated() {
            var packet = plaintext
            try srtp.protectRTP(&packet)
            let expected = try ReferenceAESCMTransform.protectRTP(plaintext, keys: keys, roc: roc)
            #expect(packet == expected, "packet \(n)")
            #expect(packet.count == plaintext.count + 10, "packet \(n)")
            try srtp.unprotectRTP(&packet)
            #expect(packet == plaintext, "packet \(n)")
        }
    }

    /// A receiver given only the reference's packets (never the session's own output) accepts
    /// them, rollover included.
    @Test func inboundContextUnprotectsReferencePackets() throws {
        let keys = try KDF.cmSessionKeys(masterKey: Self.masterKey, masterSalt: Self.masterSalt)
        let inbound = try SRTPContext(direction: .inbound, profile: .aes128CmHmacSha1_80,
                                      key: Self.masterKey, salt: Self.masterSalt)
        for (n, (plaintext, roc)) in ReferenceTestPackets.rtpRun.enumerated() {
            var packet = try ReferenceAESCMTransform.protectRTP(plaintext, keys: keys, roc: roc)
            let length = try packet.withUnsafeMutableBytes { try inbound.unprotectRTP($0, length: $0.count) }
            #expect(Array(packet.prefix(length)) == plaintext, "packet \(n)")
        }
    }

    /// SRTCP: libsrtp numbers a stream's SRTCP packets 1, 2, 3, ... (the index travels in the
    /// packet, so any start interoperates); each must match the reference at that index.
    @Test func sessionProtectsRTCPExactlyLikeTheReference() throws {
        let keys = try KDF.cmSessionKeys(masterKey: Self.masterKey, masterSalt: Self.masterSalt)
        let srtp = try Self.session()
        var sent: [UInt32: UInt32] = [:]  // SSRC -> SRTCP packets sent
        for round in 0..<3 {
            for plaintext in ReferenceTestPackets.rtcpRun {
                let ssrc = try ReferencePacketLayout.rtcpSSRC(plaintext)
                let index = sent[ssrc, default: 0] + 1
                sent[ssrc] = index
                var packet = plaintext
                try srtp.protectRTCP(&packet)
                let expected = try ReferenceAESCMTransform.protectRTCP(plaintext, keys: keys, srtcpIndex: index)
                #expect(packet == expected, "round \(round), SSRC \(ssrc), index \(index)")
                try srtp.unprotectRTCP(&packet)
                #expect(packet == plaintext, "round \(round), SSRC \(ssrc)")
            }
        }
    }
}
