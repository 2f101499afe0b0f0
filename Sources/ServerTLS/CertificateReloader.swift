import Logging
import NIOSSL
import ServiceLifecycle
import Synchronization

/// Holds the certificate pair new handshakes present and replaces it when the certificate or key
/// file changes. A renewed certificate (certbot, a dev regenerating its own) takes effect within a
/// poll interval, without a restart; connections already open keep the pair they shook hands with.
/// The pair reaches each handshake through NIOSSL's context callback, which BoringSSL calls once
/// per ClientHello, so one TLS context serves for the server's whole life.
///
/// Polling stat() rather than inotify: it works the same on every platform and through symlink
/// swaps (certbot's live/ directory), and one stat a second costs nothing.
public final class CertificateReloader: Service, Sendable {
    public enum Check: Equatable, Sendable {
        case unchanged
        case reloaded
        /// The files changed but the new pair is unusable; the previous one stays in use.
        case rejected(TLSCertificateError)
    }

    private struct State {
        var pair: TLSCertificatePair
        var stamp: PairStamp
        /// The stamp of a pair that failed to load, so a broken pair is logged once, not every poll.
        var rejectedStamp: PairStamp?
    }

    public let certificatePath: String
    public let keyPath: String
    private let pollInterval: Duration
    private let logger: Logger
    private let state: Mutex<State>

    /// Loads the first pair; a server must not start without one, so failure throws.
    public init(certificatePath: String, keyPath: String, pollInterval: Duration = .seconds(1),
                logger: Logger) throws(TLSCertificateError) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.pollInterval = pollInterval
        self.logger = logger
        // Stamp before loading: a change that lands during the load is then seen by the next poll.
        let stamp = PairStamp(certificatePath: certificatePath, keyPath: keyPath)
        let pair = try TLSCertificatePair.load(certificatePath: certificatePath, keyPath: keyPath)
        state = Mutex(State(pair: pair, stamp: stamp, rejectedStamp: nil))
    }

    /// The pair in use now.
    public var pair: TLSCertificatePair { state.withLock { $0.pair } }

    /// Server TLS settings whose every handshake presents the pair in use at that moment.
    public func serverConfiguration() -> TLSConfiguration {
        var configuration = pair.serverConfiguration()
        configuration.sslContextCallback = { [self] _, promise in
            promise.succeed(self.pair.handshakeOverride)
        }
        return configuration
    }

    /// One poll: stat both files and, if either changed since the pair in use (or since the last
    /// rejected pair), load them.
    @discardableResult
    public func checkForChanges() -> Check {
        let stamp = PairStamp(certificatePath: certificatePath, keyPath: keyPath)
        let seen = state.withLock { $0.stamp == stamp || $0.rejectedStamp == stamp }
        if seen { return .unchanged }
        // Loaded outside the lock: handshakes keep taking the old pair meanwhile.
        do throws(TLSCertificateError) {
            let pair = try TLSCertificatePair.load(certificatePath: certificatePath, keyPath: keyPath)
            state.withLock {
                $0.pair = pair
                $0.stamp = stamp
                $0.rejectedStamp = nil
            }
            logger.notice("TLS certificate reloaded", metadata: [
                "certificate": "\(certificatePath)", "subject": "\(pair.leaf.subject)",
                "notValidAfter": "\(pair.leaf.notValidAfter)"])
            return .reloaded
        } catch {
            state.withLock { $0.rejectedStamp = stamp }
            logger.error("TLS certificate files changed but cannot be used; keeping the previous pair",
                         metadata: ["error": "\(error)"])
            return .rejected(error)
        }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: self.pollInterval)
                } catch {
                    return
                }
                self.checkForChanges()
            }
        }
    }
}
