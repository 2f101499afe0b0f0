// The SRTP protection profiles we run, numbered as in DTLS-SRTP's use_srtp extension.

import CSRTP

/// An SRTP crypto suite. The raw value is the IANA DTLS-SRTP protection profile number, the same
/// as the DTLS module's `SRTPProtectionProfile`, so a negotiated profile maps by raw value.
public enum SRTPProfile: UInt16, Sendable, CaseIterable {
    /// AES_CM_128_HMAC_SHA1_80 (RFC 3711): 16-byte key, 14-byte salt, 10-byte tag.
    case aes128CmHmacSha1_80 = 0x0001
    /// AEAD_AES_128_GCM (RFC 7714): 16-byte key, 12-byte salt, 16-byte tag.
    case aeadAes128Gcm = 0x0007

    public var keyLength: Int { 16 }

    public var saltLength: Int {
        switch self {
        case .aes128CmHmacSha1_80: 14
        case .aeadAes128Gcm: 12
        }
    }

    /// Fills libsrtp's crypto policies for RTP and RTCP.
    func apply(to policy: inout srtp_policy_t) {
        switch self {
        case .aes128CmHmacSha1_80:
            // srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80 is a macro for these defaults.
            srtp_crypto_policy_set_rtp_default(&policy.rtp)
            srtp_crypto_policy_set_rtcp_default(&policy.rtcp)
        case .aeadAes128Gcm:
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp)
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp)
        }
    }
}
