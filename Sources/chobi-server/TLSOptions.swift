import ArgumentParser
import Logging
import ServerTLS

/// `serve`'s HTTPS options. Plain HTTP is the default: on loopback browsers already treat the page
/// as a secure context, and a certificate only matters once the server is reached from elsewhere.
struct TLSOptions: ParsableArguments {
    @Option(help: "PEM certificate chain for HTTPS/WSS; reloaded when it changes (env CHOBI_TLS_CERT).")
    var tlsCert: String?

    @Option(help: "PEM private key for --tls-cert (env CHOBI_TLS_KEY).")
    var tlsKey: String?

    @Flag(help: "Serve HTTPS/WSS with a self-signed development certificate kept in --certs-dir (env CHOBI_TLS_SELF_SIGNED=1).")
    var tlsSelfSigned = false

    @Option(help: "Where --tls-self-signed keeps its certificate (env CHOBI_CERTS_DIR).")
    var certsDir: String = Environment.string("CHOBI_CERTS_DIR") ?? "./certs"

    @Option(help: "Names for the self-signed certificate, DNS names or IPs, comma-separated (env CHOBI_TLS_NAMES; default: localhost, 127.0.0.1, ::1, the announce and HTTP addresses).")
    var tlsNames: String?

    var certificatePath: String? { tlsCert ?? Environment.string("CHOBI_TLS_CERT") }
    var keyPath: String? { tlsKey ?? Environment.string("CHOBI_TLS_KEY") }
    var selfSigned: Bool { tlsSelfSigned || Environment.string("CHOBI_TLS_SELF_SIGNED") == "1" }

    /// The reloader serving the configured pair, or nil for plain HTTP. `hosts` are the addresses
    /// the server is reached at (announce address, HTTP host), named by a default self-signed
    /// certificate so a browser on another machine finds its address in it.
    func makeReloader(hosts: [String], logger: Logger) throws -> CertificateReloader? {
        let certificate = certificatePath
        let key = keyPath
        if selfSigned && (certificate != nil || key != nil) {
            throw ValidationError("--tls-self-signed and --tls-cert/--tls-key exclude each other")
        }
        if (certificate == nil) != (key == nil) {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        if let certificate, let key {
            do {
                return try CertificateReloader(certificatePath: certificate, keyPath: key, logger: logger)
            } catch {
                throw ValidationError("--tls-cert/--tls-key: \(error)")
            }
        }
        guard selfSigned else { return nil }

        var names: TLSNames
        do {
            if let list = tlsNames ?? Environment.string("CHOBI_TLS_NAMES") {
                names = try TLSNames(parsing: list)
            } else {
                names = .loopback
                // Wildcard binds (0.0.0.0) name no address: skip them, and anything not a name.
                for host in hosts { try? names.insert(host) }
            }
        } catch {
            throw ValidationError("--tls-names: \(error)")
        }
        do {
            let development = try DevelopmentCertificate.ensure(in: certsDir, names: names)
            logger.notice(development.origin == .created ? "made a development TLS certificate" : "reusing the development TLS certificate",
                          metadata: ["certificate": "\(development.certificatePath)"])
            return try CertificateReloader(certificatePath: development.certificatePath,
                                           keyPath: development.keyPath, logger: logger)
        } catch {
            throw ValidationError("--tls-self-signed: \(error)")
        }
    }
}
