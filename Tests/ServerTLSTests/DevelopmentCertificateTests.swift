#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Crypto
import ServerTLS
import Testing
import X509

@Suite struct DevelopmentCertificateTests {
    let directory = TemporaryDirectory()

    @Test func madeOnceWithTheNamesAskedForThenReused() throws {
        let names = try TLSNames(parsing: "localhost,127.0.0.1,::1,10.77.0.1,chobi.test")
        let first = try DevelopmentCertificate.ensure(in: directory.path + "/certs", names: names)
        #expect(first.origin == .created)

        let pair = try TLSCertificatePair.load(certificatePath: first.certificatePath, keyPath: first.keyPath)
        #expect(pair.leaf.names == names)
        #expect(P256.Signing.PublicKey(pair.leaf.publicKey) != nil)
        #expect(pair.leaf.signatureAlgorithm == .ecdsaWithSHA256)
        #expect(try pair.leaf.extensions.basicConstraints == .notCertificateAuthority)
        #expect(fileMode(first.keyPath) == 0o600)

        let second = try DevelopmentCertificate.ensure(in: directory.path + "/certs", names: names)
        #expect(second.origin == .reused)
        let again = try TLSCertificatePair.load(certificatePath: second.certificatePath, keyPath: second.keyPath)
        #expect(again.leaf == pair.leaf)

        // Fewer names than the certificate has: still covered, still reused.
        let fewer = try DevelopmentCertificate.ensure(in: directory.path + "/certs", names: .loopback)
        #expect(fewer.origin == .reused)
    }

    @Test func aNameTheCertificateLacksMakesANewOne() throws {
        let old = try DevelopmentCertificate.ensure(in: directory.path, names: .loopback)
        let oldLeaf = try TLSCertificatePair.load(certificatePath: old.certificatePath, keyPath: old.keyPath).leaf

        var wider = TLSNames.loopback
        try wider.insert("192.0.2.10")
        let new = try DevelopmentCertificate.ensure(in: directory.path, names: wider)
        #expect(new.origin == .created)
        let newLeaf = try TLSCertificatePair.load(certificatePath: new.certificatePath, keyPath: new.keyPath).leaf
        #expect(newLeaf != oldLeaf)
        #expect(newLeaf.names == wider)
    }

    @Test func aCertificateNearItsEndIsReplaced() throws {
        let longAgo = Date(timeIntervalSinceNow: -389 * 24 * 3600)
        let old = try DevelopmentCertificate.ensure(in: directory.path, names: .loopback, now: longAgo)
        #expect(old.origin == .created)
        #expect(try DevelopmentCertificate.ensure(in: directory.path, names: .loopback).origin == .created)
    }

    @Test func aBrokenPairIsReplaced() throws {
        let made = try DevelopmentCertificate.ensure(in: directory.path, names: .loopback)
        try "not a key".write(toFile: made.keyPath, atomically: true, encoding: .utf8)
        let remade = try DevelopmentCertificate.ensure(in: directory.path, names: .loopback)
        #expect(remade.origin == .created)
        _ = try TLSCertificatePair.load(certificatePath: remade.certificatePath, keyPath: remade.keyPath)
    }

    private func fileMode(_ path: String) -> mode_t {
        var info = stat()
        guard stat(path, &info) == 0 else { return 0 }
        return info.st_mode & 0o777
    }
}

/// A fresh directory per test, removed when the test's suite value goes away.
final class TemporaryDirectory: Sendable {
    let path: String

    init() {
        path = FileManager.default.temporaryDirectory.path + "/chobi-tls-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}
