// One OpenSSL SSL_CTX per certificate, holding everything that is the same for every connection
// in either role: protocol version, ciphers, groups, certificate, use_srtp list, verification.

import CChobiShims
import COpenSSL

final class DTLSContext: @unchecked Sendable {
    // @unchecked: configured once in init, then only passed to SSL_new, which OpenSSL allows
    // from many threads at once.
    let pointer: OpaquePointer

    /// ECDSA suites only: our certificate is an ECDSA key. AES-GCM first, then ChaCha, then the
    /// CBC suites some older stacks still need.
    private static let cipherList =
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:"
        + "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA"

    init(certificate: OpaquePointer, key: OpaquePointer) throws(DTLSError) {
        OpenSSLErrorQueue.clear()
        guard let ctx = SSL_CTX_new(DTLS_method()) else {
            throw .setupFailed(OpenSSLErrorQueue.drain(or: "SSL_CTX_new failed"))
        }
        // Certificates are self-signed and authenticated by the SDP fingerprint alone, so chain
        // errors are ignored; a certificate is required from both sides, and the peer's leaf is
        // checked against the fingerprint as soon as it arrives, so an impostor gets a fatal
        // alert instead of our Finished.
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT) { _, store in
            guard let store else { return 0 }
            return DTLSEndpoint.verifyPeerCertificate(in: store) ? 1 : 0
        }
        // No renegotiation in WebRTC; no tickets or session cache since every connection is new;
        // NO_QUERY_MTU because a memory BIO has no path MTU to ask: we set it ourselves.
        _ = SSL_CTX_set_options(ctx, chobi_SSL_OP_NO_QUERY_MTU() | chobi_SSL_OP_NO_TICKET()
                                    | chobi_SSL_OP_NO_RENEGOTIATION())
        _ = chobi_SSL_CTX_set_session_cache_mode(ctx, Int(SSL_SESS_CACHE_OFF))
        let profiles = SRTPProtectionProfile.preferred.map(\.openSSLName).joined(separator: ":")
        let ok = chobi_SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) == 1
            && chobi_SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION) == 1
            && SSL_CTX_set_cipher_list(ctx, Self.cipherList) == 1
            && chobi_SSL_CTX_set1_groups_list(ctx, "X25519:P-256:P-384") == 1
            && SSL_CTX_use_certificate(ctx, certificate) == 1
            && SSL_CTX_use_PrivateKey(ctx, key) == 1
            && SSL_CTX_check_private_key(ctx) == 1
            && SSL_CTX_set_tlsext_use_srtp(ctx, profiles) == 0  // 0 is success here
        guard ok else {
            SSL_CTX_free(ctx)
            throw .setupFailed(OpenSSLErrorQueue.drain(or: "configuring the DTLS context failed"))
        }
        pointer = ctx
    }

    deinit { SSL_CTX_free(pointer) }
}
