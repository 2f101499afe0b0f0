#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import ServiceLifecycle
import Store
import Synchronization

/// Turns what happens (a follow, a host going live, a gift, a reward, an announcement) into
/// stored notifications and live `notification` events. Requests only queue a job and return:
/// a host with 10,000 followers going live costs `createSession` nothing, and the fan-out is
/// written in batches of `batchSize` (short transactions, so chat and gifts interleave with it).
///
/// Gifts are summed per recipient for `giftWindow` (one "3 people sent you 12 gifts" instead of
/// one notification per gift: a busy room sends hundreds a second).
public final class Notifier: Service, Sendable {
    public static let batchSize = 1_000
    public static let giftWindow: Duration = .seconds(1)
    public static let fanOutDelay: Duration = .milliseconds(20)

    enum Job: Sendable {
        case wentLive(hostId: UUID, hostName: String, sessionId: UUID, title: String)
        case followed(follower: User, followeeId: UUID)
        case flushGifts
        case broadcast(title: String, body: String)
        case comment(ownerId: UUID, videoId: String, commentId: String, author: User, excerpt: String)
        case deliver([UserNotification])
        /// Test seam: finishes after every job queued before it.
        case barrier(CheckedContinuation<Void, Never>)
    }

    let store: Store
    let hub: EventsHub
    let logger: Logger
    let now: @Sendable () -> Date
    private let jobs: AsyncStream<Job>
    private let queue: AsyncStream<Job>.Continuation
    /// Gifts since the last `flushGifts`.
    private let receivedGifts = Mutex(ReceivedGifts())

    public init(store: Store, hub: EventsHub, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.hub = hub
        self.logger = logger
        self.now = now
        (jobs, queue) = AsyncStream<Job>.makeStream()
    }

    // MARK: events (called on request paths: they only queue)

    public func wentLive(hostId: UUID, hostName: String, sessionId: UUID, title: String) {
        queue.yield(.wentLive(hostId: hostId, hostName: hostName, sessionId: sessionId, title: title))
    }

    public func followed(by follower: User, followeeId: UUID) { queue.yield(.followed(follower: follower, followeeId: followeeId)) }

    /// Called at commit, on the store's writer, for every gift: it only adds to the window's sums
    /// (a job per gift woke the notifier's task hundreds of times a second to do this).
    public func giftReceived(_ receipt: GiftReceipt) { receivedGifts.withLock { $0.add(receipt) } }

    /// An admin's announcement to every user (`notifications.broadcast`).
    public func broadcast(title: String, body: String) { queue.yield(.broadcast(title: title, body: body)) }

    /// A comment on a user's video (the video library calls this).
    public func commented(on videoId: String, ownerId: UUID, commentId: String, by author: User, excerpt: String) {
        queue.yield(.comment(ownerId: ownerId, videoId: videoId, commentId: commentId, author: author, excerpt: excerpt))
    }

    /// Live delivery of notifications stored elsewhere (rewards, written with their badge).
    func deliver(_ notifications: [UserNotification]) {
        guard !notifications.isEmpty else { return }
        queue.yield(.deliver(notifications))
    }

    /// Waits until every job queued so far has been handled (tests).
    public func settle() async {
        await withCheckedContinuation { queue.yield(.barrier($0)) }
    }

    // MARK: service

    public func run() async throws {
        let queue = self.queue
        await withDiscardingTaskGroup { group in
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: Self.giftWindow)
                    queue.yield(.flushGifts)
                }
            }
            await cancelWhenGracefulShutdown {
                for await job in self.jobs { await self.handle(job) }
            }
            group.cancelAll()
        }
    }

    private func handle(_ job: Job) async {
        do {
            switch job {
            case let .wentLive(hostId, hostName, sessionId, title):
                let data = NotificationData.text(WentLive(hostId: hostId.apiString, hostName: hostName,
                                                          sessionId: sessionId.apiString, title: title,
                                                          text: "\(hostName) is live: \(title)"))
                let key = "went_live:\(sessionId.apiString)"
                try await fanOut(key: key) { (after: String?) async throws(StoreError) -> FanOutBatch in
                    try await self.store.notifications.fanOutToFollowers(
                        of: hostId, kind: .wentLive, data: data, dedupeKey: key, after: after, limit: Self.batchSize,
                        now: self.now())
                }
            case let .followed(follower, followeeId):
                let data = NotificationData.text(NewFollower(
                    followerId: follower.id.apiString, username: follower.username, displayName: follower.displayName,
                    text: "\(follower.displayName) started following you"))
                await push(try await store.notifications.insert(
                    [NotificationDraft(userId: followeeId, kind: .newFollower, data: data,
                                       dedupeKey: "new_follower:\(follower.id.apiString)")], now: now()))
            case .flushGifts:
                let drafts = receivedGifts.withLock { $0.drain() }.map {
                    NotificationDraft(userId: $0.recipient, kind: .giftReceived, data: NotificationData.text($0.payload))
                }
                await push(try await store.notifications.insert(drafts, now: now()))
            case let .broadcast(title, body):
                let data = NotificationData.text(Announcement(title: title, body: body, text: title))
                let key = "system:\(UUID().apiString)"
                try await fanOut(key: key) { (after: String?) async throws(StoreError) -> FanOutBatch in
                    try await self.store.notifications.fanOutToEveryone(
                        kind: .system, data: data, dedupeKey: key, after: after, limit: Self.batchSize, now: self.now())
                }
            case let .comment(ownerId, videoId, commentId, author, excerpt):
                guard ownerId != author.id else { return }
                let data = NotificationData.text(NewComment(
                    videoId: videoId, commentId: commentId, authorId: author.id.apiString, authorName: author.displayName,
                    excerpt: excerpt, text: "\(author.displayName) commented: \(excerpt)"))
                await push(try await store.notifications.insert(
                    [NotificationDraft(userId: ownerId, kind: .newComment, data: data, dedupeKey: "comment:\(commentId)")],
                    now: now()))
            case .deliver(let notifications):
                await push(notifications)
            case .barrier(let continuation):
                continuation.resume()
            }
        } catch {
            logger.warning("notifications: not stored", metadata: ["error": "\(error)"])
        }
    }

    /// Runs a fan-out's batches to the end; after each, the users of its range who are online get
    /// their notification (read back by key: the batch's rows never pass through Swift otherwise).
    private func fanOut(key: String, batch: (String?) async throws(StoreError) -> FanOutBatch) async throws(StoreError) {
        // The request that caused it answers first: on two cores, a fan-out started at once
        // competes with that answer for the CPU (measured: createSession 1.3× slower).
        try? await Task.sleep(for: Self.fanOutDelay)
        var after: String?
        repeat {
            let done = try await batch(after)
            let online = hub.connectedUsers().filter(done.covers)
            await push(try await store.notifications.stored(dedupeKey: key, userIds: online))
            after = done.next
        } while after != nil
    }

    /// Sends stored notifications to their users' open sockets, each with the user's unread count.
    private func push(_ notifications: [UserNotification]) async {
        guard !notifications.isEmpty else { return }
        let online = Set(hub.connected(among: Set(notifications.map(\.userId))))
        for notification in notifications where online.contains(notification.userId) {
            let unread = (try? await store.notifications.unreadCount(userId: notification.userId)) ?? 0
            hub.send(EventMessage.notification(notification, unreadCount: unread), to: notification.userId)
        }
    }

    private struct WentLive: Encodable {
        var hostId, hostName, sessionId, title, text: String
    }

    private struct NewFollower: Encodable {
        var followerId, username, displayName, text: String
    }

    private struct Announcement: Encodable {
        var title, body, text: String
    }

    private struct NewComment: Encodable {
        var videoId, commentId, authorId, authorName, excerpt, text: String
    }
}

/// Gifts received within one window, summed per recipient.
struct ReceivedGifts {
    struct Summary {
        var recipient: UUID
        var payload: GiftReceived
    }

    struct GiftReceived: Encodable {
        var sessionId: String
        var gifts: Int
        var diamonds: Int64
        var senderCount: Int
        /// Up to three senders' names, first to give first.
        var senders: [String]
        var lastGift: String
        var text: String
    }

    private var byRecipient: [UUID: (sessionId: UUID, gifts: Int, diamonds: Int64, senders: [UUID: String],
                                     order: [UUID], lastGift: String)] = [:]

    mutating func add(_ receipt: GiftReceipt) {
        let transaction = receipt.transaction
        var entry = byRecipient[transaction.recipientId]
            ?? (transaction.sessionId, 0, 0, [:], [], transaction.gift.name)
        entry.gifts += transaction.count
        entry.diamonds += transaction.recipientDiamonds
        if entry.senders[transaction.senderId] == nil {
            entry.senders[transaction.senderId] = receipt.senderName
            entry.order.append(transaction.senderId)
        }
        entry.lastGift = transaction.gift.name
        byRecipient[transaction.recipientId] = entry
    }

    mutating func drain() -> [Summary] {
        defer { byRecipient.removeAll() }
        return byRecipient.map { recipient, entry in
            let names = entry.order.prefix(3).compactMap { entry.senders[$0] }
            let who = entry.order.count == 1 ? (names.first ?? "Someone") : "\(entry.order.count) people"
            let what = entry.gifts == 1 ? entry.lastGift : "\(entry.gifts) gifts"
            return Summary(recipient: recipient, payload: GiftReceived(
                sessionId: entry.sessionId.apiString, gifts: entry.gifts, diamonds: entry.diamonds,
                senderCount: entry.order.count, senders: names, lastGift: entry.lastGift,
                text: "\(who) sent you \(what) (+\(entry.diamonds) diamonds)"))
        }
    }
}
