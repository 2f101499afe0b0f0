// libsrtp2 must run our OpenSSL-backed crypto types (CSRTPCrypto), not the NSS ones Debian's
// build carries: the byte-exact vector suites prove the output is right, these tests prove
// whose code produced it, and that a wrong tag or key still fails inside our types.

import CSRTPCrypto
import SRTP
import Testing

@Suite struct SRTPCryptoBackendTests {
    /// Operations our types ran on this thread while `body` ran.
    private func operations(_ body: () throws -> Void) rethrows -> UInt64 {
        let before = chobi_srtp_crypto_thread_operations()
        try body()
        return chobi_srtp_crypto_thread_operations() - before
    }

    @Test(arguments: SRTPProfile.allCases)
    func protectAndUnprotectRunInTheInstalledTypes(profile: SRTPProfile) throws {
        let (sender, receiver) = try SRTPSessionTests.pair(profile)
        var packet = SRTPSessionTests.rtp(seq: 42)
        // Warm up: the first packet of an SSRC makes libsrtp clone its template stream.
        try sender.protectRTP(&packet)
        try receiver.unprotectRTP(&packet)

        var next = SRTPSessionTests.rtp(seq: 43)
        let protect = try operations { try sender.protectRTP(&next) }
        let unprotect = try operations { try receiver.unprotectRTP(&next) }
        #expect(next == SRTPSessionTests.rtp(seq: 43))
        // GCM: one AEAD pass each way. AES-CM + HMAC: one cipher pass and one tag each way.
        let expected: UInt64 = profile == .aeadAes128Gcm ? 1 : 2
        #expect(protect == expected)
        #expect(unprotect == expected)
    }

    @Test func keyDerivationRunsInTheInstalledCounterMode() throws {
        // Six session keys (RTP and RTCP: key, salt, auth key) per direction come from the KDF.
        let derivations = try operations { _ = try SRTPSessionTests.pair(.aes128CmHmacSha1_80) }
        #expect(derivations >= 6)
    }

    @Test(arguments: SRTPProfile.allCases)
    func aWrongKeyFailsAuthenticationInTheInstalledTypes(profile: SRTPProfile) throws {
        let (sender, _) = try SRTPSessionTests.pair(profile)
        var packet = SRTPSessionTests.rtp(seq: 9)
        try sender.protectRTP(&packet)

        let salt: [UInt8] = profile == .aeadAes128Gcm ? SRTPSessionTests.gcmSalt : SRTPSessionTests.cmSalt
        let wrong = try SRTPSession(profile: profile, localKey: SRTPSessionTests.key, localSalt: salt,
                                    remoteKey: SRTPSessionTests.key.map { $0 ^ 0xFF }, remoteSalt: salt)
        let operationsBefore = chobi_srtp_crypto_thread_operations()
        #expect(throws: SRTPError.authFail) { try wrong.unprotectRTP(&packet) }
        #expect(chobi_srtp_crypto_thread_operations() > operationsBefore)
    }
}
