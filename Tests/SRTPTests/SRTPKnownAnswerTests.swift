// Byte-exact protect/unprotect against reference packets, for both profiles, RTP and RTCP.

import SRTP
import Testing

@Suite struct SRTPKnownAnswerTests {
    typealias V = SRTPVectors

    static func session(_ profile: SRTPProfile) throws -> SRTPSession {
        let (key, salt) = profile == .aes128CmHmacSha1_80 ? (V.AESCM.key, V.AESCM.salt) : (V.AEADGCM.key, V.AEADGCM.salt)
        // The same master key both ways, so one session can unprotect what it protected.
        return try SRTPSession(profile: profile, localKey: key, localSalt: salt, remoteKey: key, remoteSalt: salt)
    }

    @Test func aesCMProtectsRTPToTheReferencePacket() throws {
        let srtp = try Self.session(.aes128CmHmacSha1_80)
        var packet = V.rtpPlaintext
        try srtp.protectRTP(&packet)
        #expect(packet == V.AESCM.srtp)
        #expect(srtp.rtpTrailerLength == 10)
        try srtp.unprotectRTP(&packet)
        #expect(packet == V.rtpPlaintext)
    }

    @Test func aesCMProtectsRTCPToTheReferencePacket() throws {
        let srtp = try Self.session(.aes128CmHmacSha1_80)
        var packet = V.rtcpPlaintext
        try srtp.protectRTCP(&packet)
        #expect(packet == V.AESCM.srtcp)
        #expect(srtp.rtcpTrailerLength == 14)
        try srtp.unprotectRTCP(&packet)
        #expect(packet == V.rtcpPlaintext)
    }

    @Test func gcmProtectsRTPToTheReferencePacket() throws {
        let srtp = try Self.session(.aeadAes128Gcm)
        var packet = V.rtpPlaintext
        try srtp.protectRTP(&packet)
        #expect(packet == V.AEADGCM.srtp)
        #expect(srtp.rtpTrailerLength == 16)
        try srtp.unprotectRTP(&packet)
        #expect(packet == V.rtpPlaintext)
    }

    @Test func gcmProtectsRTCPToTheReferencePacket() throws {
        let srtp = try Self.session(.aeadAes128Gcm)
        var packet = V.rtcpPlaintext
        try srtp.protectRTCP(&packet)
        #expect(packet == V.AEADGCM.srtcp)
        #expect(srtp.rtcpTrailerLength == 20)
        try srtp.unprotectRTCP(&packet)
        #expect(packet == V.rtcpPlaintext)
    }

    /// The receive side on its own: reference packets from the wire unprotect to the plaintext.
    @Test(arguments: SRTPProfile.allCases)
    func inboundContextUnprotectsReferencePackets(profile: SRTPProfile) throws {
        let gcm = profile == .aeadAes128Gcm
        let inbound = try SRTPContext(direction: .inbound, profile: profile,
                                      key: gcm ? V.AEADGCM.key : V.AESCM.key, salt: gcm ? V.AEADGCM.salt : V.AESCM.salt)
        var rtp = gcm ? V.AEADGCM.srtp : V.AESCM.srtp
        let rtpLength = try rtp.withUnsafeMutableBytes { try inbound.unprotectRTP($0, length: $0.count) }
        #expect(Array(rtp.prefix(rtpLength)) == V.rtpPlaintext)
        var rtcp = gcm ? V.AEADGCM.srtcp : V.AESCM.srtcp
        let rtcpLength = try rtcp.withUnsafeMutableBytes { try inbound.unprotectRTCP($0, length: $0.count) }
        #expect(Array(rtcp.prefix(rtcpLength)) == V.rtcpPlaintext)
    }

    /// The in-place API on a pooled-style buffer: protect writes only inside the buffer and
    /// reports the new length.
    @Test func protectsInPlaceInACallerBuffer() throws {
        let outbound = try SRTPContext(direction: .outbound, profile: .aes128CmHmacSha1_80,
                                       key: V.AESCM.key, salt: V.AESCM.salt)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1_500, alignment: 16)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0xEE)
        buffer.copyBytes(from: V.rtpPlaintext)
        let length = try outbound.protectRTP(buffer, length: V.rtpPlaintext.count)
        #expect(length == V.AESCM.srtp.count)
        #expect(Array(buffer[0..<length]) == V.AESCM.srtp)
        // Nothing past the capacity protect was promised is touched.
        #expect(buffer[(V.rtpPlaintext.count + SRTPContext.requiredRTPCapacity)...].allSatisfy { $0 == 0xEE })
    }
}
