// DTLS: DTLS 1.2 (RFC 6347) with the use_srtp extension (RFC 5764) over OpenSSL 3.0 memory BIOs,
// sans-I/O: datagrams and time in; datagrams, events and the next deadline out. It makes the
// self-signed certificate, checks the peer's certificate against the SDP fingerprint and exports
// SRTP keys. It does not touch sockets or clocks, do SRTP itself, or speak SCTP (it only carries
// application data bytes for it).

/// Every way the DTLS module fails, typed. Reasons from OpenSSL are its error-queue strings.
public enum DTLSError: Error, Sendable, Equatable {
    /// OpenSSL could not make the key or the self-signed certificate.
    case certificateGenerationFailed(String)
    /// OpenSSL refused a context or connection setting (library or configuration problem).
    case setupFailed(String)
    /// The handshake failed inside OpenSSL (bad message, alert from the peer, no shared cipher...).
    case handshakeFailed(String)
    /// The retransmission timer gave up: the peer did not answer through all backoff steps.
    case handshakeTimedOut
    /// The peer presented no certificate.
    case noPeerCertificate
    /// The peer's certificate does not hash to the fingerprint from its SDP.
    case fingerprintMismatch
    /// The handshake completed without agreeing on an SRTP protection profile we support.
    case noSRTPProfile
    /// SSL_export_keying_material failed.
    case keyExportFailed
    /// The connection failed after the handshake (fatal alert, corrupt state).
    case connectionFailed(String)
    /// Application data was offered before the handshake completed or after it ended.
    case notConnected
    /// Application data larger than one DTLS record can carry.
    case applicationDataTooLarge(Int)
    /// An SDP fingerprint attribute value that does not parse.
    case malformedFingerprint(String)
    /// An SDP fingerprint with a hash function we do not compute.
    case unsupportedFingerprintAlgorithm(String)
}
