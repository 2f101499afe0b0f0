#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import ServiceLifecycle
import Signaling
import Store

/// Ends live sessions whose server or host is gone, so the list never shows a room nobody runs.
/// - Every `heartbeatInterval` it records that the server is alive, so after a crash the next
///   start ends the sessions left behind at about the time it died (not hours later).
/// - On the same tick it ends sessions whose host has had no connection for `hostAbsenceLimit`
///   (a closed tab, a lost network, a host who never connected after createSession); a host who
///   comes back in time keeps the session.
/// - On a graceful shutdown it ends every live session itself.
/// Each ended room is told (`session_ended` with reason `host_left` or `server_shutdown`, and the
/// report) while its sockets are still open.
public struct LiveSessionWatchdog: Service {
    let store: Store
    let signaling: SignalingService
    let configuration: LiveSessionsConfiguration
    let logger: Logger
    /// Recordings of the sessions it ends are finished into the library.
    let recordings: SessionRecordings?
    let now: @Sendable () -> Date

    public init(store: Store, signaling: SignalingService, configuration: LiveSessionsConfiguration = .init(),
                logger: Logger, recordings: SessionRecordings? = nil, now: @escaping @Sendable () -> Date = { Date() }) {
        self.recordings = recordings
        self.store = store
        self.signaling = signaling
        self.configuration = configuration
        self.logger = logger
        self.now = now
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await tick()
                try? await Task.sleep(for: configuration.heartbeatInterval)
            }
        }
        await endAll()
    }

    func tick() async {
        let time = now()
        do {
            try await store.sessions.recordServerAlive(now: time)
        } catch {
            logger.warning("heartbeat not recorded", metadata: ["error": "\(error)"])
        }
        let cutoff = time.addingTimeInterval(-configuration.hostAbsenceLimit.seconds)
        do {
            let reports = try await store.sessions.endAbandonedSessions(hostAbsentSince: cutoff, now: time)
            await tell(reports, reason: "host_left")
        } catch {
            logger.warning("abandoned sessions not ended", metadata: ["error": "\(error)"])
        }
    }

    func endAll() async {
        do {
            await tell(try await store.sessions.endLiveSessions(now: now()), reason: "server_shutdown")
        } catch {
            logger.error("live sessions not ended at shutdown; the next start ends them", metadata: ["error": "\(error)"])
        }
    }

    private func tell(_ reports: [SessionReport], reason: String) async {
        for report in reports {
            await signaling.endRoom(report.sessionId.apiString, reason: reason, report: StreamingProcedures.endReport(report))
            await recordings?.stop(report.sessionId)
        }
        if !reports.isEmpty {
            logger.notice("ended live sessions", metadata: ["count": "\(reports.count)", "reason": "\(reason)"])
        }
    }
}

extension Duration {
    /// The duration in seconds, for `Date` arithmetic.
    var seconds: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
