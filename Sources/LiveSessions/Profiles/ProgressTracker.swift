#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import ServiceLifecycle
import Store
import Synchronization

/// Re-evaluates users' levels and badges after they did something that may earn one (streamed,
/// gifted, chatted, gained a follower), off the request path. Touches are coalesced: a user is
/// evaluated at most once per `minimumInterval` however busy they are (a gifter in a hot room
/// would otherwise sum their gift history many times a second). Reading a profile evaluates at
/// once, so nothing waits on the next pass to be seen, even after a restart lost a pending touch.
public final class ProgressTracker: Service, Sendable {
    public static let pass: Duration = .milliseconds(500)
    public static let minimumInterval: Duration = .seconds(3)

    let store: Store
    let notifier: Notifier
    let logger: Logger
    let now: @Sendable () -> Date

    public init(store: Store, notifier: Notifier, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.notifier = notifier
        self.logger = logger
        self.now = now
    }

    /// These users did something that may earn a reward. Called at commit, on the store's writer:
    /// it adds to the set the next pass reads and wakes nobody (a task woken per gift to add two
    /// ids cost more than the rest of the touch).
    public func touch(_ userIds: [UUID]) {
        guard !userIds.isEmpty else { return }
        pending.withLock { $0.formUnion(userIds) }
    }

    /// Evaluates `userId` now and delivers what it earned; the standing it found.
    @discardableResult
    public func evaluate(_ userId: UUID) async throws(StoreError) -> ProgressUpdate {
        let update = try await store.progress.evaluate(userId: userId, now: now(), notification: Self.data(for:))
        notifier.deliver(update.notifications)
        return update
    }

    public func run() async throws {
        let (ticks, tick) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        await withDiscardingTaskGroup { group in
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: Self.pass)
                    tick.yield()
                }
                tick.finish()
            }
            await cancelWhenGracefulShutdown {
                var lastEvaluated: [UUID: ContinuousClock.Instant] = [:]
                for await _ in ticks {
                    let clock = ContinuousClock.now
                    let due = self.pending.withLock { pending -> [UUID] in
                        let due = pending.filter { lastEvaluated[$0].map { clock - $0 >= Self.minimumInterval } ?? true }
                        pending.subtract(due)
                        return Array(due)
                    }
                    for user in due {
                        lastEvaluated[user] = clock
                        do {
                            try await self.evaluate(user)
                        } catch {
                            guard case StoreError.userNotFound = error else {
                                self.logger.notice("progress: evaluation failed", metadata: ["user": "\(user)", "error": "\(error)"])
                                continue
                            }
                        }
                    }
                    lastEvaluated = lastEvaluated.filter { clock - $0.value < Self.minimumInterval }
                }
            }
            group.cancelAll()
        }
    }

    /// Users touched since the last pass.
    private let pending = Mutex<Set<UUID>>([])

    /// The `data` of a reward's notification.
    static func data(for reward: ProgressReward) -> String {
        switch reward {
        case .levelUp(let level):
            NotificationData.text(LevelUp(level: level, text: "You reached level \(level)"))
        case .achievement(let achievement):
            NotificationData.text(Earned(achievementId: achievement.id, name: achievement.name, icon: achievement.icon,
                                         text: "Badge earned: \(achievement.name)"))
        }
    }

    private struct LevelUp: Encodable {
        var level: Int
        var text: String
    }

    private struct Earned: Encodable {
        var achievementId, name, icon, text: String
    }
}
