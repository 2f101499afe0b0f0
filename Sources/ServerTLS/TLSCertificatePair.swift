#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOSSL
import SwiftASN1
import X509

/// A certificate chain and its private key, read from PEM files and checked to be a pair.
/// Loading is all or nothing: a pair that loads is one a handshake can use.
public struct TLSCertificatePair: Sendable {
    /// The leaf first, then any intermediates, as the file lists them.
    public let chain: [Certificate]
    public let tlsChain: [NIOSSLCertificate]
    public let tlsKey: NIOSSLPrivateKey

    public var leaf: Certificate { chain[0] }

    public static func load(certificatePath: String, keyPath: String) throws(TLSCertificateError) -> TLSCertificatePair {
        let certificateText = try readText(certificatePath)
        let keyText = try readText(keyPath)

        let chain: [Certificate]
        do {
            chain = try PEMDocument.parseMultiple(pemString: certificateText)
                .filter { $0.discriminator == "CERTIFICATE" }
                .map { try Certificate(derEncoded: $0.derBytes) }
        } catch {
            throw .badCertificate(path: certificatePath, reason: "\(error)")
        }
        guard let leaf = chain.first else { throw .noCertificate(path: certificatePath) }

        let key: Certificate.PrivateKey
        do {
            key = try Certificate.PrivateKey(pemEncoded: keyText)
        } catch {
            throw .badKey(path: keyPath, reason: "\(error)")
        }
        // Checked here rather than left to BoringSSL so the error says which files disagree.
        guard key.publicKey == leaf.publicKey else {
            throw .keyDoesNotMatchCertificate(certificate: certificatePath, key: keyPath)
        }

        do {
            let nioChain = try NIOSSLCertificate.fromPEMBytes(Array(certificateText.utf8))
            let nioKey = try NIOSSLPrivateKey(bytes: Array(keyText.utf8), format: .pem)
            let pair = TLSCertificatePair(chain: chain, tlsChain: nioChain, tlsKey: nioKey)
            // Built once and dropped: BoringSSL's own checks run now, not in the first handshake.
            _ = try NIOSSLContext(configuration: pair.serverConfiguration())
            return pair
        } catch {
            throw .contextRefused(reason: "\(error)")
        }
    }

    /// Server TLS settings serving this pair.
    public func serverConfiguration() -> TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: tlsChain.map { .certificate($0) }, privateKey: .privateKey(tlsKey))
        // HTTP/1.1 only: the server's pipeline has no HTTP/2, so never let a client pick it.
        configuration.applicationProtocols = ["http/1.1"]
        return configuration
    }

    /// The same pair as a per-handshake override (see CertificateReloader).
    public var handshakeOverride: NIOSSLContextConfigurationOverride {
        var override = NIOSSLContextConfigurationOverride()
        override.certificateChain = tlsChain.map { .certificate($0) }
        override.privateKey = .privateKey(tlsKey)
        return override
    }

    private static func readText(_ path: String) throws(TLSCertificateError) -> String {
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return String(decoding: data, as: UTF8.self)
        } catch {
            throw .unreadable(path: path, reason: "\(error)")
        }
    }
}
