import HummingbirdCore
import HummingbirdTLS

extension HTTPServerBuilder {
    /// `base` (e.g. `.http1WebSocketUpgrade(...)`) over TLS, presenting whatever pair `reloader`
    /// holds when each connection's handshake starts.
    public static func tls(_ base: HTTPServerBuilder, reloader: CertificateReloader) throws -> HTTPServerBuilder {
        try .tls(base, tlsConfiguration: reloader.serverConfiguration())
    }
}
