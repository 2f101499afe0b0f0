// Our DTLS identity: an ECDSA P-256 key and a self-signed certificate made at start-up, the
// SHA-256 fingerprint we put in SDP, and the OpenSSL context that every endpoint using this
// identity shares (the role is set per connection).

import CChobiShims
import COpenSSL

/// An ECDSA P-256 key with a self-signed X.509 certificate (CN "chobi", random serial, valid from a
/// day ago for `validityDays`). Make one per process (or per rotation) and share it: endpoints
/// only take references to its contexts.
///
/// The validity dates come from the wall clock (X509_gmtime_adj); peers authenticate the
/// certificate by fingerprint, so the dates are informational.
public final class DTLSCertificate: @unchecked Sendable {
    // @unchecked: every field is set once in init and never mutated; OpenSSL documents
    // SSL_CTX, X509 and EVP_PKEY as safe to share read-only across threads (SSL_new takes a
    // reference), which is all endpoints do with them.
    private let key: OpaquePointer
    private let certificate: OpaquePointer
    let context: DTLSContext

    /// The SHA-256 fingerprint of the certificate, for `a=fingerprint`.
    public let fingerprint: DTLSFingerprint

    public init(commonName: String = "chobi", validityDays: Int = 30) throws(DTLSError) {
        OpenSSLErrorQueue.clear()
        guard let key = chobi_EVP_EC_gen_P256() else {
            throw .certificateGenerationFailed(OpenSSLErrorQueue.drain(or: "EVP_EC_gen(P-256) failed"))
        }
        guard let certificate = X509_new() else {
            EVP_PKEY_free(key)
            throw .certificateGenerationFailed(OpenSSLErrorQueue.drain(or: "X509_new failed"))
        }
        do {
            try Self.fill(certificate, key: key, commonName: commonName, validityDays: validityDays)
            let digest = try Self.digest(of: certificate, algorithm: .sha256)
            fingerprint = try DTLSFingerprint(algorithm: .sha256, bytes: digest)
            context = try DTLSContext(certificate: certificate, key: key)
        } catch {
            X509_free(certificate)
            EVP_PKEY_free(key)
            throw error
        }
        self.key = key
        self.certificate = certificate
    }

    deinit {
        X509_free(certificate)
        EVP_PKEY_free(key)
    }

    private static func fill(_ x509: OpaquePointer, key: OpaquePointer, commonName: String,
                             validityDays: Int) throws(DTLSError) {
        var serial: UInt64 = 0
        let gotRandom = withUnsafeMutableBytes(of: &serial) { RAND_bytes($0.baseAddress, Int32($0.count)) }
        guard gotRandom == 1 else {
            throw .certificateGenerationFailed(OpenSSLErrorQueue.drain(or: "RAND_bytes failed"))
        }
        serial &= 0x7FFF_FFFF_FFFF_FFFF  // a positive INTEGER, as RFC 5280 requires
        let name = Array(commonName.utf8)
        let ok = X509_set_version(x509, 2) == 1  // 2 means v3
            && ASN1_INTEGER_set_uint64(X509_get_serialNumber(x509), serial) == 1
            && X509_gmtime_adj(X509_getm_notBefore(x509), -86_400) != nil  // tolerate peers' clock skew
            && X509_gmtime_adj(X509_getm_notAfter(x509), validityDays * 86_400) != nil
            && X509_set_pubkey(x509, key) == 1
            && X509_NAME_add_entry_by_txt(X509_get_subject_name(x509), "CN", MBSTRING_ASC,
                                          name, Int32(name.count), -1, 0) == 1
            && X509_set_issuer_name(x509, X509_get_subject_name(x509)) == 1
            && X509_sign(x509, key, EVP_sha256()) > 0
        guard ok else {
            throw .certificateGenerationFailed(OpenSSLErrorQueue.drain(or: "building the X.509 certificate failed"))
        }
    }

    /// Hashes a DER certificate with the fingerprint's hash function.
    static func digest(of x509: OpaquePointer, algorithm: DTLSFingerprint.Algorithm) throws(DTLSError) -> [UInt8] {
        let md: OpaquePointer? = switch algorithm {
        case .sha1: EVP_sha1()
        case .sha256: EVP_sha256()
        case .sha384: EVP_sha384()
        case .sha512: EVP_sha512()
        }
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = out.withUnsafeMutableBufferPointer { X509_digest(x509, md, $0.baseAddress, &length) }
        guard ok == 1, Int(length) == algorithm.digestLength else {
            throw .certificateGenerationFailed(OpenSSLErrorQueue.drain(or: "X509_digest failed"))
        }
        return Array(out.prefix(Int(length)))
    }
}
