#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import API
import Logging
import SFU
import ServiceLifecycle
import Signaling
import Store
import Synchronization

/// A live session's chat and gifts as the room sees them: every line, whether from
/// `chat.sendMessage` or a `chat` data channel, is checked (text rules, admission, mute, slow
/// mode, rate), filtered, kept, and sent as one `new_message` to every member, on its data channel
/// where it has one open and on `/rtc` otherwise. Each room's checks and sends run on one lane
/// (`ChatLanes`); what is stored is queued on the lane as the store commits it (`onCommit`, in
/// commit order) and sent by the request that wrote it, so the order members see is the order of
/// the stored ids. Deletions and gifts go the same way (`message_deleted`, the gift's line and
/// `gift_animation`). A member gets the latest lines on joining (`chat_history`).
///
/// Rooms that are not live sessions (development rooms with `chobi-server token`) relay lines
/// without keeping them, numbered in memory.
///
/// As a `Service`, `run()` consumes the data channels' input until shutdown.
public final class ChatService: Service, Sendable {
    /// Lines a member is sent on joining.
    public static let historySize = 50

    let store: Store
    let signaling: SignalingService
    let filter: ChatFilter
    let logger: Logger
    let now: @Sendable () -> Date
    let activity: Activity?
    private let lanes = ChatLanes()
    private let clock: MonotonicClock
    private let limiter: Mutex<TokenBucketLimiter<UUID>>
    private let combos = Mutex(GiftCombos())
    /// Ids of relayed lines in rooms that are not sessions (kept nowhere).
    private let unkeptLines = Mutex<Int64>(0)

    /// - Parameter rate: lines per user (hosts and moderators are exempt), across sessions.
    public init(store: Store, signaling: SignalingService, filter: ChatFilter = .none,
                rate: RateLimit = RateLimit(ratePerSecond: 1, burst: 5), clock: MonotonicClock = .continuous,
                logger: Logger, activity: Activity? = nil, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.signaling = signaling
        self.activity = activity
        self.filter = filter
        self.clock = clock
        self.logger = logger
        self.now = now
        limiter = Mutex(TokenBucketLimiter(rule: rate))
        signaling.welcome.set { [weak self] room, _ in
            guard let self, let session = UUID(uuidString: room) else { return [] }
            return (try? await self.history(sessionId: session)).map { [$0] } ?? []
        }
    }

    public func run() async throws {
        let input = signaling.chatInput
        await cancelWhenGracefulShutdown {
            for await line in input { await self.handle(line) }
        }
    }

    // MARK: data channels

    func handle(_ input: DataChannelChatInput) async {
        switch input {
        case let .line(room, participant, user, name, role, text):
            guard let session = UUID(uuidString: room), let author = UUID(uuidString: user) else {
                await relayUnkept(text, room: room, participant: participant, user: user, name: name, role: role)
                return
            }
            if let refusal = ChatText.check(text) {
                await signaling.send(RoomMessage.error(refusal), to: participant, in: room)
                return
            }
            lanes.dispatch(room: room) { [self] in
                do {
                    _ = try await keep(sessionId: session, authorId: author, text: text, clientMessageId: nil)
                } catch let refusal as ChatRefusal {
                    await signaling.send(RoomMessage.error(refusal), to: participant, in: room)
                } catch {
                    logger.notice("chat line not kept", metadata: ["session": "\(room)", "error": "\(error)"])
                }
            }
        case let .opened(room, participant, _):
            guard let session = UUID(uuidString: room), let history = try? await history(sessionId: session) else { return }
            await signaling.send(history, to: participant, in: room)
        }
    }

    private func relayUnkept(_ text: String, room: String, participant: String, user: String, name: String?,
                             role: RoomRole) async {
        if let refusal = ChatText.check(text) {
            await signaling.send(RoomMessage.error(refusal), to: participant, in: room)
            return
        }
        let id = unkeptLines.withLock { value -> Int64 in
            value += 1
            return value
        }
        let line = RoomMessage.Line(id: id, author: user, username: nil, name: name, role: role.rawValue,
                                    text: filter.apply(text), kind: ChatMessageKind.text.rawValue,
                                    sentAt: now().millisecondsSince1970, clientMessageId: nil)
        lanes.dispatch(room: room) { [signaling] in
            await signaling.sendToRoom(RoomMessage.newMessage(line), in: room)
        }
    }

    // MARK: lines

    /// Checks, filters, keeps and sends one line. A retried `clientMessageId` returns the first
    /// post and sends nothing. Throws `ChatRefusal`, `StoreError` or `TRPCError`.
    func post(sessionId: UUID, authorId: UUID, text: String, clientMessageId: String?) async throws -> ChatMessage {
        if let refusal = ChatText.check(text) { throw refusal }
        return try await lanes.perform(room: sessionId.apiString) { () async throws -> ChatMessage in
            try await self.keep(sessionId: sessionId, authorId: authorId, text: text, clientMessageId: clientMessageId)
        }
    }

    /// `post` on the session's lane: the room's rules, the store, the fan-out.
    private func keep(sessionId: UUID, authorId: UUID, text: String, clientMessageId: String?) async throws -> ChatMessage {
        let role = try await admittedRole(sessionId: sessionId, userId: authorId)
        if let clientMessageId,
           let first = try await store.chat.message(sessionId: sessionId, authorId: authorId, clientMessageId: clientMessageId) {
            return first
        }
        let time = now()
        let standing = try await store.chat.standing(sessionId: sessionId, userId: authorId, now: time)
        if let until = standing.mutedUntil { throw ChatRefusal.muted(seconds: Self.secondsUntil(until, from: time)) }
        if role != .host, !standing.isModerator {
            if standing.slowModeSeconds > 0, let last = standing.lastMessageAt {
                let next = last.addingTimeInterval(TimeInterval(standing.slowModeSeconds))
                if next > time { throw ChatRefusal.slowMode(seconds: Self.secondsUntil(next, from: time)) }
            }
            let instant = clock.now()
            if case .limited(let retry) = limiter.withLock({ $0.take(authorId, now: instant) }) {
                throw ChatRefusal.tooFast(seconds: Self.wholeSeconds(retry))
            }
        }
        let room = sessionId.apiString
        let outcome = try await store.chat.post(sessionId: sessionId, authorId: authorId, text: filter.apply(text),
                                                kind: .text, clientMessageId: clientMessageId, now: time) { outcome in
            // Queued at commit, behind this job: lines and gifts reach the room in id order.
            guard !outcome.replayed else { return }
            let line = RoomMessage.line(outcome.value, role: role.rawValue)
            self.lanes.enqueue(room: room) { await self.signaling.sendToRoom(RoomMessage.newMessage(line), in: room) }
        }
        // On the lane already (`post`, a data channel's line), this returns at once and the
        // drain running this job sends the line next.
        await lanes.drain(room: room)
        if !outcome.replayed { activity?.chatted(authorId) }
        return outcome.value
    }

    /// The latest lines of a session as one `chat_history` message.
    func history(sessionId: UUID) async throws -> String {
        let page = try await store.chat.messages(sessionId: sessionId, before: nil, limit: Self.historySize)
        return RoomMessage.history(page.messages.map { RoomMessage.line($0) })
    }

    /// Deletes a line for everyone (`message_deleted`); the caller checked who may.
    func delete(_ message: ChatMessage, by moderator: UUID) async throws {
        let room = message.sessionId.apiString
        try await store.chat.delete(messageId: message.id, by: moderator, now: now()) { _ in
            self.lanes.enqueue(room: room) { await self.signaling.sendToRoom(RoomMessage.deleted(id: message.id), in: room) }
        }
        await lanes.drain(room: room)
    }

    // MARK: gifts

    /// Sends a gift (one SQL transaction in the store, grouped with whatever else is being
    /// written), then its chat line and `gift_animation` to the room, queued on the session's
    /// lane at commit, so the room sees gifts and lines in the order of their ids. The write
    /// itself holds no lane: a burst of gifts in one room goes to the store together. A replayed
    /// key sends nothing again.
    func sendGift(sessionId: UUID, senderId: UUID, giftId: String, recipientId: UUID?, count: Int,
                  idempotencyKey: String) async throws -> IdempotentOutcome<GiftReceipt> {
        let room = sessionId.apiString
        let outcome = try await store.gifts.sendGift(
            sessionId: sessionId, senderId: senderId, giftId: giftId, recipientId: recipientId, count: count,
            idempotencyKey: idempotencyKey, now: now()
        ) { outcome in
            guard !outcome.replayed else { return }
            self.lanes.enqueue(room: room) { await self.announce(outcome.value, in: room) }
            self.activity?.gave(outcome.value)
        }
        // The room hears of it before the sender's answer goes: this request runs the lane.
        await lanes.drain(room: room)
        return outcome
    }

    /// A committed gift's chat line and `gift_animation`, with its place in a combo.
    private func announce(_ receipt: GiftReceipt, in room: String) async {
        let transaction = receipt.transaction
        var messages: [String] = []
        if let line = receipt.chatLine { messages.append(RoomMessage.newMessage(RoomMessage.line(line))) }
        let combo = combos.withLock {
            $0.record(.init(session: transaction.sessionId, sender: transaction.senderId, gift: transaction.gift.id),
                      at: transaction.createdAt)
        }
        let animation = RoomMessage.GiftAnimation(
            gift: .init(id: transaction.gift.id, name: transaction.gift.name, tier: transaction.gift.tier.rawValue,
                        animation: transaction.gift.animation),
            sender: .init(id: transaction.senderId.apiString, name: receipt.senderName),
            recipient: .init(id: transaction.recipientId.apiString, name: receipt.recipientName),
            count: transaction.count, combo: combo, totalCoins: transaction.totalCoins,
            transactionId: transaction.id.apiString)
        messages.append(RoomMessage.giftAnimation(animation))
        await signaling.sendToRoom(messages, in: room)
    }

    // MARK: rules

    /// The user's role in the live session, if they may take part in it.
    func admittedRole(sessionId: UUID, userId: UUID) async throws -> ParticipantRole {
        do {
            return try await store.sessions.admit(sessionId: sessionId, userId: userId).role
        } catch {
            switch error {
            case .sessionEnded: throw ChatRefusal.sessionEnded
            case .banned: throw ChatRefusal.notAllowed("you were removed from this session")
            case .notAdmitted: throw ChatRefusal.notAllowed("this session is private")
            default: throw error
            }
        }
    }

    static func secondsUntil(_ date: Date, from now: Date) -> Int {
        max(1, Int(date.timeIntervalSince(now).rounded(.up)))
    }

    static func wholeSeconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) + (attoseconds > 0 ? 1 : 0))
    }
}
