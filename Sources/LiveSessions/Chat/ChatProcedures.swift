#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import API
import Store

/// `chat.*`: posting and paging a live session's chat, and its moderation. The host and the
/// moderators they appoint may delete lines, mute users and set slow mode; only the host appoints.
public struct ChatProcedures: Sendable {
    let chat: ChatService
    /// Longest mute and slow mode a moderator may set.
    static let maxMuteSeconds = 7 * 24 * 3600
    static let maxSlowModeSeconds = 3600
    static let maxClientMessageIdLength = 64

    public init(chat: ChatService) {
        self.chat = chat
    }

    var store: Store { chat.store }

    struct SendInput: Decodable, Sendable {
        var sessionId: String
        var text: String
        var clientMessageId: String?
    }

    struct PageInput: Decodable, Sendable {
        var sessionId: String
        var before: Int64?
        var limit: Int?
    }

    struct SessionIDInput: Decodable, Sendable {
        var sessionId: String
    }

    struct Moderators: Encodable, Sendable {
        var moderators: [String]
    }

    struct MessageInput: Decodable, Sendable {
        var messageId: Int64
    }

    struct ModeratorInput: Decodable, Sendable {
        var sessionId: String
        var userId: String
        var on: Bool
    }

    struct MuteInput: Decodable, Sendable {
        var sessionId: String
        var userId: String
        var seconds: Int
    }

    struct SlowModeInput: Decodable, Sendable {
        var sessionId: String
        var seconds: Int
    }

    struct Page: Encodable, Sendable {
        var messages: [RoomMessage.Line]
        /// Pass as `before` for the page before this one; nil at the start of the chat.
        var nextBefore: Int64?
    }

    struct Done: Encodable, Sendable {
        var sessionId: String
        var userId: String?
        var messageId: Int64?
        var moderator: Bool?
        var mutedUntil: String?
        var seconds: Int?
    }

    public func register(on router: inout TRPCRouter) {
        router.mutation("chat.sendMessage", access: .user) { (input: SendInput, context) in
            let session = try Identifier.parse(input.sessionId, field: "sessionId")
            if let id = input.clientMessageId {
                try InputValidation.length(id, field: "clientMessageId", in: 1...Self.maxClientMessageIdLength)
            }
            let message = try await chat.post(sessionId: session, authorId: try Identifier.caller(context), text: input.text,
                                              clientMessageId: input.clientMessageId)
            return RoomMessage.line(message)
        }
        router.query("chat.getMessages") { (input: PageInput, context) in
            let session = try Identifier.parse(input.sessionId, field: "sessionId")
            if let limit = input.limit { try InputValidation.range(limit, field: "limit", in: 1...ChatRepository.maxPageSize) }
            try await requireReader(session, context: context)
            let page = try await store.chat.messages(sessionId: session, before: input.before,
                                                     limit: input.limit ?? ChatRepository.defaultPageSize)
            return Page(messages: page.messages.map { RoomMessage.line($0) }, nextBefore: page.nextBefore)
        }
        router.query("chat.getModerators") { (input: SessionIDInput, context) in
            let session = try Identifier.parse(input.sessionId, field: "sessionId")
            try await requireReader(session, context: context)
            return Moderators(moderators: try await store.chat.moderators(sessionId: session).map { $0.userId.apiString })
        }
        router.mutation("chat.deleteMessage", access: .user) { (input: MessageInput, context) in
            guard let message = try await store.chat.message(id: input.messageId) else {
                throw TRPCError.notFound("message not found")
            }
            let caller = try Identifier.caller(context)
            try await requireModerator(message.sessionId, caller: caller)
            try await chat.delete(message, by: caller)
            return Done(sessionId: message.sessionId.apiString, messageId: message.id)
        }
        router.mutation("chat.setModerator", access: .user) { (input: ModeratorInput, context) in
            let session = try await liveSession(input.sessionId)
            let caller = try Identifier.caller(context)
            guard session.hostId == caller else { throw TRPCError.forbidden("only the host appoints moderators") }
            let user = try Identifier.parse(input.userId, field: "userId")
            guard user != session.hostId else { throw InputValidation.failure("userId", "the host moderates already") }
            _ = try await store.chat.setModerator(sessionId: session.id, userId: user, on: input.on, by: caller, now: chat.now())
            await chat.signaling.sendToRoom(RoomMessage.moderatorChanged(userId: user.apiString, moderator: input.on),
                                            in: session.id.apiString)
            return Done(sessionId: session.id.apiString, userId: user.apiString, moderator: input.on)
        }
        router.mutation("chat.muteUser", access: .user) { (input: MuteInput, context) in
            try InputValidation.range(input.seconds, field: "seconds", in: 0...Self.maxMuteSeconds)
            let session = try await liveSession(input.sessionId)
            let caller = try Identifier.caller(context)
            try await requireModerator(session.id, caller: caller)
            let user = try Identifier.parse(input.userId, field: "userId")
            guard user != session.hostId else { throw TRPCError.forbidden("the host cannot be muted") }
            let time = chat.now()
            let until = try await store.chat.mute(sessionId: session.id, userId: user,
                                                  until: time.addingTimeInterval(TimeInterval(input.seconds)), by: caller, now: time)
            return Done(sessionId: session.id.apiString, userId: user.apiString, mutedUntil: until.map(JSONDate.string))
        }
        router.mutation("chat.setSlowMode", access: .user) { (input: SlowModeInput, context) in
            try InputValidation.range(input.seconds, field: "seconds", in: 0...Self.maxSlowModeSeconds)
            let session = try await liveSession(input.sessionId)
            try await requireModerator(session.id, caller: try Identifier.caller(context))
            try await store.chat.setSlowMode(sessionId: session.id, seconds: input.seconds, now: chat.now())
            return Done(sessionId: session.id.apiString, seconds: input.seconds)
        }
    }

    // MARK: who may

    private func liveSession(_ text: String) async throws -> StreamingSession {
        let session = try await store.session(try Identifier.parse(text, field: "sessionId"))
        try session.requireLive()
        return session
    }

    /// The host, or a moderator they appointed, of a live session.
    private func requireModerator(_ sessionId: UUID, caller: UUID) async throws {
        let session = try await store.session(sessionId)
        try session.requireLive()
        if session.hostId == caller { return }
        guard try await store.chat.isModerator(sessionId: sessionId, userId: caller) else {
            throw TRPCError.forbidden("only the host and moderators can do this")
        }
    }

    /// Anyone may read a public session's chat; a private one's only those it admits.
    private func requireReader(_ sessionId: UUID, context: TRPCCallContext) async throws {
        let session = try await store.session(sessionId)
        guard session.isPrivate else { return }
        guard let user = context.user.flatMap({ UUID(uuidString: $0.id) }) else {
            throw TRPCError.unauthorized("this session is private")
        }
        guard session.hostId != user else { return }
        // Admission is judged for live sessions only: once a private session ended, its chat is
        // the host's alone.
        guard session.status == .live else { throw TRPCError.forbidden("this session is private") }
        _ = try await store.sessions.admit(sessionId: sessionId, userId: user)
    }
}
