#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import ServiceLifecycle
import Signaling
import Store

/// Ties live sessions to the life of this process. While it runs, it records every `interval` that
/// the server is alive, so after a crash the next start ends the sessions it left at about the time
/// it died (not hours later). On a graceful shutdown it ends every live session itself and tells
/// each room (`session_ended`, reason `server_shutdown`, with the report) while sockets are open.
public struct LiveSessionHeartbeat: Service {
    let store: Store
    let signaling: SignalingService
    let interval: Duration
    let logger: Logger
    let now: @Sendable () -> Date

    public init(store: Store, signaling: SignalingService, interval: Duration = .seconds(2), logger: Logger,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.signaling = signaling
        self.interval = interval
        self.logger = logger
        self.now = now
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await store.sessions.recordServerAlive(now: now())
                } catch {
                    logger.warning("heartbeat not recorded", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
        await endLiveSessions()
    }

    func endLiveSessions() async {
        do {
            let reports = try await store.sessions.endLiveSessions(now: now())
            for report in reports {
                await signaling.endRoom(report.sessionId.apiString, reason: "server_shutdown",
                                        report: StreamingProcedures.endReport(report))
            }
            if !reports.isEmpty {
                logger.notice("ended live sessions at shutdown", metadata: ["count": "\(reports.count)"])
            }
        } catch {
            logger.error("live sessions not ended at shutdown; the next start ends them", metadata: ["error": "\(error)"])
        }
    }
}
