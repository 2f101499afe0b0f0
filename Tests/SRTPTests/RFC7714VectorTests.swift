// AEAD_AES_128_GCM byte for byte. RFC 7714 §16 and §17 give session keys, which libsrtp cannot
// take, so the chain is: the Swift reference GCM transform reproduces §16.1.1 (SRTP) and §17.1
// (SRTCP) exactly; the reference KDF is pinned by RFC 3711 B.3 (RFC3711VectorTests); together
// they are the oracle for what SRTPSession sends from a master key.

import SRTP
import Testing

@Suite struct RFC7714VectorTests {
    static let hex = SRTPVectors.hex
    typealias KDF = ReferenceKeyDerivation

    /// RFC 7714 §16.1.1 / §17.1 session key and salt.
    static let rfcKeys = KDF.GCMSessionKeys(
        rtpKey: hex("000102030405060708090a0b0c0d0e0f"), rtpSalt: hex("517569642070726f2071756f"),
        rtcpKey: hex("000102030405060708090a0b0c0d0e0f"), rtcpSalt: hex("517569642070726f2071756f"))

    /// RFC 7714 §16.1.1: the IV from §8.1, and the encrypted and tagged packet.
    @Test func referenceReproducesSection16_1_1() throws {
        let rtp = ReferenceTestPackets.rfc7714RTP
        #expect(try ReferenceGCMTransform.rtpIV(salt: Self.rfcKeys.rtpSalt, ssrc: 0x5501_A0B2, roc: 0, sequenceNumber: 0xF17B)
            == Self.hex("51753c6580c2726f20718414"))
        #expect(try ReferenceGCMTransform.protectRTP(rtp, keys: Self.rfcKeys, roc: 0) == Self.hex("""
            8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c 9d7e4bca
            be633bd5 0d294e6f 42a5f47a 51c7d19b 36de3adf 8833899d 7f27beb1
            6a9152cf 765ee439 0cce
            """))
    }

    /// RFC 7714 §17.1: SRTCP index 0x5d4 with E set; the IV from §9.1 and the packet, whose
    /// E || index word comes last, after the tag.
    @Test func referenceReproducesSection17_1() throws {
        #expect(try ReferenceGCMTransform.rtcpIV(salt: Self.rfcKeys.rtcpSalt, ssrc: 0x4D61_7273, srtcpIndex: 0x5D4)
            == Self.hex("517524055203726f207170bb"))
        #expect(try ReferenceGCMTransform.protectRTCP(ReferenceTestPackets.rfc7714RTCP, keys: Self.rfcKeys, srtcpIndex: 0x5D4)
            == Self.hex("""
                81c8000d 4d617273 63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7 6c06f32d
                c676a5f1 730d6fda 4ce09b46 86303ded 0bb9275b c84aa458 96cf4d2f c5abf872
                45d9eade 800005d4
                """))
    }

    /// The reference (KDF with the 96-bit salt times 2^16, errata 4938) agrees with libsrtp's own
    /// published GCM known-answer packets (srtp_driver.c srtp_validate_gcm), a second source.
    @Test func referenceReproducesLibsrtpPublishedPackets() throws {
        let keys = try KDF.gcmSessionKeys(masterKey: SRTPVectors.AEADGCM.key, masterSalt: SRTPVectors.AEADGCM.salt)
        #expect(try ReferenceGCMTransform.protectRTP(SRTPVectors.rtpPlaintext, keys: keys, roc: 0) == SRTPVectors.AEADGCM.srtp)
        #expect(try ReferenceGCMTransform.protectRTCP(SRTPVectors.rtcpPlaintext, keys: keys, srtcpIndex: 1)
            == SRTPVectors.AEADGCM.srtcp)
    }

    /// The master key and salt the session comparisons start from: RFC 7714's values, here used
    /// as a master key and salt, so the session keys come from the KDF.
    static let masterKey = hex("000102030405060708090a0b0c0d0e0f")
    static let masterSalt = hex("517569642070726f2071756f")

    static func session() throws -> SRTPSession {
        // The same master key both ways, so the session unprotects what it protected.
        try SRTPSession(profile: .aeadAes128Gcm, localKey: masterKey, localSalt: masterSalt,
                        remoteKey: masterKey, remoteSalt: masterSalt)
    }

    @Test func derivedSessionKeysDifferFromTheMaster() throws {
        let keys = try KDF.gcmSessionKeys(masterKey: Self.masterKey, masterSalt: Self.masterSalt)
        #expect(keys.rtpKey.count == 16 && keys.rtpSalt.count == 12)
        #expect(keys.rtpKey != Self.masterKey && keys.rtpSalt != Self.masterSalt)
        #expect(keys.rtcpKey != keys.rtpKey && keys.rtcpSalt != keys.rtpSalt)
    }

    @Test func sessionProtectsRTPExactlyLikeTheReference() throws {
        let keys = try KDF.gcmSessionKeys(masterKey: Self.masterKey, masterSalt: Self.masterSalt)
        let srtp = try Self.session()
        for (n, (plaintext, roc)) in ReferenceTestPackets.rtpRun.enumerated() {
            var packet = plaintext
            try srtp.protectRTP(&packet)
            let expected = try ReferenceGCMTransform.protectRTP(plaintext, keys: keys, roc: roc)
            #expect(packet == expected, "packet \(n)")
            #expect(packet.count == plaintext.count + 16, "packet \(n)")
            try srtp.unprotectRTP(&packet)
            #expect(packet == plaintext, "packet \(n)")
        }
    }

    /// A receiver given only the reference's packets (never the session's own output) accepts
    /// them, rollover included.
    @Test func inboundContextUnprotectsReferencePackets() throws {
        let keys = try KDF.gcmSessionKeys(masterKey: Self.masterKey, masterSalt: Self.masterSalt)
        let inbound = try SRTPContext(direction: .inbound, profile: .aeadAes128Gcm, key: Self.masterKey, salt: Self.masterSalt)
        for (n, (plaintext, roc)) in ReferenceTestPackets.rtpRun.enumerated() {
            var packet = try ReferenceGCMTransform.protectRTP(plaintext, keys: keys, roc: roc)
            let length = try packet.withUnsafeMutableBytes { try inbound.unprotectRTP($0, length: $0.count) }
            #expect(Array(packet.prefix(length)) == plaintext, "packet \(n)")
        }
        var rtcp = try ReferenceGCMTransform.protectRTCP(ReferenceTestPackets.rfc7714RTCP, keys: keys, srtcpIndex: 0x5D4)
        let length = try rtcp.withUnsafeMutableBytes { try inbound.unprotectRTCP($0, length: $0.count) }
        #expect(Array(rtcp.prefix(length)) == ReferenceTestPackets.rfc7714RTCP)
    }

    /// SRTCP from SSRC 0x4d617273 until its index reaches §17.1's 0x5d4 (libsrtp numbers a
    /// stream's packets from 1), every packet compared with the reference at its index; the
    /// last one is §17.1's own packet, under derived keys.
    @Test func sessionProtectsRTCPExactlyLikeTheReference() throws {
        let keys = try KDF.gcmSessionKeys(masterKey: Self.masterKey, masterSalt: Self.masterSalt)
        let srtp = try Self.session()
        var mismatches: [UInt32] = []
        for index in UInt32(1)...0x5D4 {
            let plaintext = index == 0x5D4
                ? ReferenceTestPackets.rfc7714RTCP
                : ReferenceTestPackets.rtcpRun[Int(index) % 2]  // both from SSRC 0x4d617273
            var packet = plaintext
            try srtp.protectRTCP(&packet)
            if packet != (try ReferenceGCMTransform.protectRTCP(plaintext, keys: keys, srtcpIndex: index)) {
                mismatches.append(index)
            }
            try srtp.unprotectRTCP(&packet)
            #expect(packet == plaintext, "index \(index)")
        }
        #expect(mismatches.isEmpty, "SRTCP indexes whose packets differ from the reference: \(mismatches.prefix(10))")
        // A packet from a second SSRC starts that stream's own numbering at 1.
        var other = ReferenceTestPackets.rtcpRun[2]
        try srtp.protectRTCP(&other)
        #expect(other == (try ReferenceGCMTransform.protectRTCP(ReferenceTestPackets.rtcpRun[2], keys: keys, srtcpIndex: 1)))
    }
}
