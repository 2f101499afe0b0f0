#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import ServerTLS
import Testing

/// A real TLS listener on 127.0.0.1 configured from the reloader exactly as the server's HTTP
/// listener is (`serverConfiguration()`), and real client handshakes against it.
@Suite struct CertificateReloaderTests {
    let directory = TemporaryDirectory()
    var certificatePath: String { directory.path + "/server.pem" }
    var keyPath: String { directory.path + "/server.key" }

    @Test func newHandshakesPresentTheNewPairAndABrokenPairIsIgnored() async throws {
        let a = try makePair("a")
        try install(a)
        let reloader = try CertificateReloader(certificatePath: certificatePath, keyPath: keyPath,
                                               pollInterval: .milliseconds(100), logger: Logger(label: "test"))
        let server = try await TLSListener(configuration: reloader.serverConfiguration())
        let polling = Task { try await reloader.run() }
        defer {
            polling.cancel()
            server.close()
        }

        #expect(try await server.presentedLeaf() == a.leaf)

        // New files: once the change is seen (by the poller or by this check, whichever runs
        // first: a busy test run can starve the poller for seconds), the next handshake presents
        // them. The poll loop itself is timed against the real server in test_tls_reload.py.
        let b = try makePair("b")
        try install(b)
        #expect([.reloaded, .unchanged].contains(reloader.checkForChanges()))
        #expect(try await server.presentedLeaf() == b.leaf, "the next handshake did not present certificate B")

        // B's certificate with another key: rejected, B stays.
        let c = try makePair("c")
        try c.key.write(toFile: keyPath, atomically: true, encoding: .utf8)
        // Whether the poller or this call sees the change first, it is rejected once, then left alone.
        let mismatch = TLSCertificateError.keyDoesNotMatchCertificate(certificate: certificatePath, key: keyPath)
        #expect([.unchanged, .rejected(mismatch)].contains(reloader.checkForChanges()))
        #expect(reloader.checkForChanges() == .unchanged)
        #expect(try await server.presentedLeaf() == b.leaf)
        #expect(try reloader.pair.tlsChain.first == NIOSSLCertificate.fromPEMBytes(Array(b.certificate.utf8)).first)

        // The matching certificate arrives: C is served.
        try c.certificate.write(toFile: certificatePath, atomically: true, encoding: .utf8)
        #expect([.reloaded, .unchanged].contains(reloader.checkForChanges()))
        #expect(try await server.presentedLeaf() == c.leaf, "the next handshake did not present certificate C")
    }

    @Test func rejectionsAreTypedAndReportedOncePerChange() throws {
        let a = try makePair("a")
        try install(a)
        let reloader = try CertificateReloader(certificatePath: certificatePath, keyPath: keyPath,
                                               logger: Logger(label: "test"))
        #expect(reloader.checkForChanges() == .unchanged)

        try makePair("other").key.write(toFile: keyPath, atomically: true, encoding: .utf8)
        #expect(reloader.checkForChanges() == .rejected(.keyDoesNotMatchCertificate(certificate: certificatePath, key: keyPath)))
        #expect(reloader.checkForChanges() == .unchanged)

        try "garbage".write(toFile: keyPath, atomically: true, encoding: .utf8)
        guard case .rejected(.badKey(let path, _)) = reloader.checkForChanges() else {
            Issue.record("garbage key not rejected as a bad key")
            return
        }
        #expect(path == keyPath)

        try FileManager.default.removeItem(atPath: certificatePath)
        guard case .rejected(.unreadable(let missing, _)) = reloader.checkForChanges() else {
            Issue.record("a missing certificate not rejected as unreadable")
            return
        }
        #expect(missing == certificatePath)

        try install(a)
        #expect(reloader.checkForChanges() == .reloaded)
    }

    @Test func aServerCannotStartWithoutAUsablePair() throws {
        #expect(throws: TLSCertificateError.self) {
            try CertificateReloader(certificatePath: certificatePath, keyPath: keyPath, logger: Logger(label: "test"))
        }
    }

    // MARK: helpers

    struct PEMPair {
        var certificate: String
        var key: String
        var leaf: NIOSSLCertificate
    }

    /// A fresh self-signed pair, made in its own directory by the code under test's generator.
    func makePair(_ tag: String) throws -> PEMPair {
        let made = try DevelopmentCertificate.ensure(in: directory.path + "/made-" + tag, names: .loopback)
        let certificate = try String(contentsOfFile: made.certificatePath, encoding: .utf8)
        return PEMPair(certificate: certificate, key: try String(contentsOfFile: made.keyPath, encoding: .utf8),
                       leaf: try NIOSSLCertificate.fromPEMBytes(Array(certificate.utf8))[0])
    }

    func install(_ pair: PEMPair) throws {
        try pair.key.write(toFile: keyPath, atomically: true, encoding: .utf8)
        try pair.certificate.write(toFile: certificatePath, atomically: true, encoding: .utf8)
    }
}

/// A TLS server on an ephemeral loopback port that completes handshakes and nothing else.
final class TLSListener: Sendable {
    let channel: any Channel
    let context: NIOSSLContext

    init(configuration: TLSConfiguration) async throws {
        let context = try NIOSSLContext(configuration: configuration)
        self.context = context
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    /// Connects, completes a handshake and returns the leaf certificate the server presented.
    func presentedLeaf() async throws -> NIOSSLCertificate {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        let clientContext = try NIOSSLContext(configuration: configuration)
        let promise = MultiThreadedEventLoopGroup.singleton.next().makePromise(of: NIOSSLCertificate.self)
        let client = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        NIOSSLClientHandler(context: clientContext, serverHostname: nil))
                    try channel.pipeline.syncOperations.addHandler(HandshakeWatcher(leaf: promise))
                }
            }
            .connect(to: channel.localAddress!).get()
        defer { client.close(promise: nil) }
        return try await promise.futureResult.get()
    }

    func close() {
        channel.close(promise: nil)
    }
}

private final class HandshakeWatcher: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let leaf: EventLoopPromise<NIOSSLCertificate>

    init(leaf: EventLoopPromise<NIOSSLCertificate>) {
        self.leaf = leaf
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent {
            do {
                let handler = try context.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self)
                if let certificate = handler.peerCertificate {
                    leaf.succeed(certificate)
                } else {
                    leaf.fail(ChannelError.inputClosed)
                }
            } catch {
                leaf.fail(error)
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        leaf.fail(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        leaf.fail(ChannelError.alreadyClosed)
        context.fireChannelInactive()
    }
}
