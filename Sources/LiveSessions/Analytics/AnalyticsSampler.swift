#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import ServiceLifecycle
import Store
import Synchronization

/// Every `interval` (10 s by default), one transaction for all live sessions: a sample each
/// (viewers there now; chat lines, gifts and coins since the last tick) and the viewer facts
/// queued since. A session that ended since the last tick gets a final sample at its end, so the
/// series covers the whole session.
///
/// Why count from the store rather than keep counters: chat lines and gifts are stored anyway,
/// each with an id that the database hands out in commit order. Counting the lines above the
/// last tick's highest id (one range scan of the newest rows, a gift found from its line
/// through an index) costs the tick a few index reads and costs a chat line or a gift nothing,
/// and a restart loses no count that was committed.
public final class AnalyticsSampler: Service, Sendable {
    public static let defaultInterval: Duration = .seconds(10)

    private struct Cursor {
        var chatWatermark: Int64
        var live: Set<UUID>
    }

    let store: Store
    let facts: ViewerFactsRecorder
    let interval: Duration
    let logger: Logger
    let now: @Sendable () -> Date
    private let cursor = Mutex<Cursor?>(nil)

    public init(store: Store, facts: ViewerFactsRecorder, interval: Duration = AnalyticsSampler.defaultInterval,
                logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.facts = facts
        self.interval = max(.milliseconds(100), interval)
        self.logger = logger
        self.now = now
    }

    public func run() async throws {
        await prime()
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: self.interval)
                guard !Task.isCancelled else { break }
                await self.tick()
            }
        }
        // Shut down after the watchdog (see ServeCommand): the sessions it just ended get their
        // final sample, and queued facts are written.
        await tick()
    }

    /// Starts counting chat lines from the newest one there is, unless a round already ran.
    public func prime() async {
        guard cursor.withLock({ $0 }) == nil else { return }
        do {
            let watermark = try await store.analytics.chatWatermark()
            cursor.withLock { $0 = $0 ?? Cursor(chatWatermark: watermark, live: []) }
        } catch {
            logger.warning("analytics sampler could not read the chat watermark", metadata: ["error": "\(error)"])
        }
    }

    /// One round: samples and queued facts, written together. A failed round loses its facts
    /// and keeps its cursor, so the next round counts the same chat lines again.
    public func tick() async {
        do {
            let start: Cursor
            if let current = cursor.withLock({ $0 }) {
                start = current
            } else {
                start = Cursor(chatWatermark: try await store.analytics.chatWatermark(), live: [])
            }
            let (queued, dropped) = facts.drain()
            if dropped > 0 {
                logger.warning("viewer facts dropped: the store fell behind", metadata: ["dropped": "\(dropped)"])
            }
            let round = try await store.analytics.sample(at: now(), previouslyLive: start.live,
                                                         chatAfter: start.chatWatermark, facts: queued)
            cursor.withLock { $0 = Cursor(chatWatermark: round.chatWatermark, live: round.liveSessions) }
        } catch {
            logger.warning("analytics samples not recorded", metadata: ["error": "\(error)"])
        }
    }
}
