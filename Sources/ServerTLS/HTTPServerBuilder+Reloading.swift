import HummingbirdCore
import HummingbirdTLS

extension HTTPServerBuilder {
    /// `base` (e.g. `.http1WebSocketUpgrade(...)`) over TLS, presenting whatever pair `reloader`
    /// holds when each connection's handshake starts.
    public static func tls(_ base: HTTPServerBuilder, reloader: CertificateReloader) throws -> HTTPServerBuilder {
        try .tls(base, tlsConfiguration: reloader.serverConfiguration())
    }
}

extension HTTPServerBuilder {
    /// `self` as it is when there is no reloader (plain HTTP), else `self` over TLS.
    public func overTLS(_ reloader: CertificateReloader?) throws -> HTTPServerBuilder {
        guard let reloader else { return self }
        return try .tls(self, reloader: reloader)
    }
}
