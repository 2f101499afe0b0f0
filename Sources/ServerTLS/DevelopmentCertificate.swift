#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto
import SwiftASN1
import X509

/// The self-signed certificate `--tls-self-signed` serves: ECDSA P-256, made once in the certs
/// directory and reused by later starts, so a browser told to trust it (or its key's SPKI hash)
/// keeps trusting it. A new one is made only when the old one is missing, unreadable, not a pair,
/// about to expire, or does not name every host the server is asked to answer for.
public struct DevelopmentCertificate: Sendable {
    public enum Origin: Equatable, Sendable {
        case reused
        case created
    }

    public static let certificateFileName = "chobi-dev-cert.pem"
    public static let keyFileName = "chobi-dev-key.pem"
    /// Long enough not to bother a developer, short enough that browsers that cap validity accept it.
    static let lifetime: TimeInterval = 390 * 24 * 3600
    /// A certificate this close to its end is replaced rather than reused.
    static let renewBefore: TimeInterval = 7 * 24 * 3600

    public let certificatePath: String
    public let keyPath: String
    public let origin: Origin

    /// Reuses the certificate in `directory` when it covers `names`, else makes a new one there.
    public static func ensure(in directory: String, names: TLSNames, now: Date = Date())
        throws(TLSCertificateError) -> DevelopmentCertificate
    {
        let certificatePath = directory + "/" + certificateFileName
        let keyPath = directory + "/" + keyFileName
        if let existing = try? TLSCertificatePair.load(certificatePath: certificatePath, keyPath: keyPath),
           names.isSubset(of: existing.leaf.names),
           existing.leaf.notValidAfter > now.addingTimeInterval(renewBefore)
        {
            return DevelopmentCertificate(certificatePath: certificatePath, keyPath: keyPath, origin: .reused)
        }

        let (certificatePEM, keyPEM) = try make(names: names, now: now)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(path: directory, reason: "\(error)")
        }
        // Key first: a reloader polling these files sees at worst a short-lived mismatch, never a
        // certificate whose key is missing for good.
        try writeAtomically(keyPEM, to: keyPath, mode: 0o600)
        try writeAtomically(certificatePEM, to: certificatePath, mode: 0o644)
        return DevelopmentCertificate(certificatePath: certificatePath, keyPath: keyPath, origin: .created)
    }

    static func make(names: TLSNames, now: Date) throws(TLSCertificateError) -> (certificate: String, key: String) {
        let key = P256.Signing.PrivateKey()
        do {
            let name = try DistinguishedName {
                OrganizationName("Chobi Live")
                CommonName("Chobi Live development certificate")
            }
            var alternativeNames = names.dnsNames.sorted().map { GeneralName.dnsName($0) }
            alternativeNames += names.ipAddresses.sorted { $0.lexicographicallyPrecedes($1) }
                .map { GeneralName.ipAddress(ASN1OctetString(contentBytes: $0[...])) }
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(alternativeNames)
                SubjectKeyIdentifier(hash: Certificate.PublicKey(key.publicKey))
            }
            let certificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: Certificate.PublicKey(key.publicKey),
                // An hour back so a client whose clock is a little behind still accepts it.
                notValidBefore: now.addingTimeInterval(-3600),
                notValidAfter: now.addingTimeInterval(lifetime),
                issuer: name,
                subject: name,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: extensions,
                issuerPrivateKey: Certificate.PrivateKey(key))
            return (try certificate.serializeAsPEM().pemString + "\n", key.pemRepresentation + "\n")
        } catch {
            throw .badCertificate(path: "(new development certificate)", reason: "\(error)")
        }
    }

    /// Writes to a temporary file in the same directory and renames it over `path`, so a reader
    /// never sees half a file. The mode is set at creation: the key is never readable by others,
    /// not even for a moment.
    static func writeAtomically(_ text: String, to path: String, mode: mode_t) throws(TLSCertificateError) {
        let temporary = path + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard descriptor >= 0 else { throw .cannotWrite(path: temporary, reason: String(cString: strerror(errno))) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        // The umask may have narrowed or (never) widened the mode; set exactly what was asked.
        let chmodded = fchmod(descriptor, mode)
        close(descriptor)
        guard written == bytes.count, chmodded == 0, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .cannotWrite(path: path, reason: reason)
        }
    }
}

extension Certificate {
    /// The DNS names and IP addresses in this certificate's subjectAltName.
    public var names: TLSNames {
        var names = TLSNames()
        guard let alternatives = try? extensions.subjectAlternativeNames else { return names }
        for name in alternatives {
            switch name {
            case .dnsName(let dns): try? names.insert(dns)
            case .ipAddress(let octets): names.insertRaw(ipAddress: Array(octets.bytes))
            default: break
            }
        }
        return names
    }
}
