// What DTLS-SRTP (RFC 5764 §4.2) hands to SRTP once the handshake is done.

/// An SRTP protection profile we negotiate in the use_srtp extension. The raw value is the
/// IANA profile number, the same number the SRTP module's profile uses, so the two map 1:1.
public enum SRTPProtectionProfile: UInt16, Sendable, CaseIterable, CustomStringConvertible {
    /// SRTP_AES128_CM_HMAC_SHA1_80 (RFC 5764): AES-128 counter mode, 80-bit HMAC-SHA1 tag.
    case aes128CmHmacSha1_80 = 0x0001
    /// SRTP_AEAD_AES_128_GCM (RFC 7714).
    case aeadAes128Gcm = 0x0007

    /// Our offer/answer order: GCM first (much cheaper with Debian's libsrtp, and browsers offer
    /// it), AES_CM for peers offering nothing else. As DTLS server OpenSSL picks the first entry
    /// of our list that the client offers.
    public static let preferred: [SRTPProtectionProfile] = [.aeadAes128Gcm, .aes128CmHmacSha1_80]

    /// The name OpenSSL's use_srtp configuration string uses.
    var openSSLName: String {
        switch self {
        case .aes128CmHmacSha1_80: "SRTP_AES128_CM_SHA1_80"
        case .aeadAes128Gcm: "SRTP_AEAD_AES_128_GCM"
        }
    }

    /// Master key length in bytes.
    public var keyLength: Int { 16 }

    /// Master salt length in bytes.
    public var saltLength: Int {
        switch self {
        case .aes128CmHmacSha1_80: 14
        case .aeadAes128Gcm: 12
        }
    }

    public var description: String { openSSLName }
}

/// Keys exported with the "EXTRACTOR-dtls_srtp" label, already split by our role: "local" keys
/// protect what we send, "remote" keys unprotect what the peer sends.
public struct SRTPKeyingMaterial: Sendable, Equatable, CustomStringConvertible {
    public let profile: SRTPProtectionProfile
    public let localKey: [UInt8]
    public let localSalt: [UInt8]
    public let remoteKey: [UInt8]
    public let remoteSalt: [UInt8]

    public init(profile: SRTPProtectionProfile, localKey: [UInt8], localSalt: [UInt8],
                remoteKey: [UInt8], remoteSalt: [UInt8]) {
        self.profile = profile
        self.localKey = localKey
        self.localSalt = localSalt
        self.remoteKey = remoteKey
        self.remoteSalt = remoteSalt
    }

    /// Splits the exporter output, laid out client_key | server_key | client_salt | server_salt
    /// (RFC 5764 §4.2). Returns nil when the length does not fit the profile.
    init?(exported: [UInt8], profile: SRTPProtectionProfile, isClient: Bool) {
        let k = profile.keyLength, s = profile.saltLength
        guard exported.count == 2 * (k + s) else { return nil }
        let clientKey = Array(exported[0..<k])
        let serverKey = Array(exported[k..<(2 * k)])
        let clientSalt = Array(exported[(2 * k)..<(2 * k + s)])
        let serverSalt = Array(exported[(2 * k + s)..<(2 * k + 2 * s)])
        self.profile = profile
        localKey = isClient ? clientKey : serverKey
        localSalt = isClient ? clientSalt : serverSalt
        remoteKey = isClient ? serverKey : clientKey
        remoteSalt = isClient ? serverSalt : clientSalt
    }

    /// Keys never go to logs.
    public var description: String { "SRTPKeyingMaterial(\(profile), keys redacted)" }
}
