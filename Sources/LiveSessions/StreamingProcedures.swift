#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import API
import SFU
import Signaling
import Store

/// `streaming.*`: going live, watching, co-hosting, moderation and the end report.
///
/// A session's room on the media plane is named by the session id; room tokens carry the
/// caller's user id and the role the store admitted them with. Every host-only procedure checks
/// the caller is the session's host (FORBIDDEN otherwise) before anything changes. Ended
/// sessions answer NOT_FOUND ("the session has ended") to joinSession and to moderation.
public struct StreamingProcedures: Sendable {
    let store: Store
    let signaling: SignalingService
    let roomTokens: RoomTokenSigner
    let configuration: LiveSessionsConfiguration
    let activity: Activity?
    /// Keeps each join's device, OS, browser and country for analytics (nil: not recorded).
    let viewerFacts: ViewerFactsRecorder?
    /// Records sessions into the video library (nil: `record` is refused).
    let recordings: SessionRecordings?
    let now: @Sendable () -> Date

    public init(store: Store, signaling: SignalingService, roomTokens: RoomTokenSigner,
                configuration: LiveSessionsConfiguration = .init(), activity: Activity? = nil,
                viewerFacts: ViewerFactsRecorder? = nil, recordings: SessionRecordings? = nil,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.activity = activity
        self.recordings = recordings
        self.store = store
        self.signaling = signaling
        self.roomTokens = roomTokens
        self.configuration = configuration
        self.viewerFacts = viewerFacts
        self.now = now
    }

    struct CreateInput: Decodable, Sendable {
        var title: String
        var description: String?
        var isPrivate: Bool?
        var category: String?
        /// Record the session into the host's videos from the start.
        var record: Bool?
    }

    struct RecordingInput: Decodable, Sendable {
        var sessionId: String
        var on: Bool
    }

    struct RecordingState: Encodable, Sendable {
        var sessionId: String
        var recording: Bool
        /// The video the recording goes into (while on), or the video it became (when switched off).
        var videoId: String?
    }

    struct SessionInput: Decodable, Sendable {
        var sessionId: String
    }

    struct ListInput: Decodable, Sendable {
        var cursor: String?
        var limit: Int?
    }

    struct TargetInput: Decodable, Sendable {
        var sessionId: String
        var userId: String
    }

    struct RespondInput: Decodable, Sendable {
        var sessionId: String
        var accept: Bool
    }

    struct MuteInput: Decodable, Sendable {
        var sessionId: String
        var userId: String
        var kind: String
        var muted: Bool?
    }

    struct Created: Encodable, Sendable {
        var session: SessionPayload
        var roomToken: String
        var recording: Bool
        var recordingVideoId: String?
    }

    struct Joined: Encodable, Sendable {
        var session: SessionPayload
        var roomToken: String
        var role: String
    }

    struct Page: Encodable, Sendable {
        var sessions: [SessionListItem]
        var nextCursor: String?
    }

    struct Ended: Encodable, Sendable {
        var report: ReportPayload
    }

    struct InviteAnswer: Encodable, Sendable {
        var sessionId: String
        var accepted: Bool
        var role: String
        /// A guest token when accepted: publish with it (WHIP or the WebSocket).
        var roomToken: String?
    }

    struct Done: Encodable, Sendable {
        var sessionId: String
        var userId: String
        var status: String
    }

    struct Muted: Encodable, Sendable {
        var sessionId: String
        var userId: String
        var kind: String
        var muted: Bool
        /// Tracks whose forwarding changed (0 when the user publishes nothing of that kind yet).
        var tracks: Int
    }

    public func register(on router: inout TRPCRouter) {
        router.mutation("streaming.createSession", access: .user) { (input: CreateInput, context) in
            try await create(input, host: Identifier.caller(context))
        }
        router.mutation("streaming.joinSession", access: .user) { (input: SessionInput, context) in
            try await join(Identifier.parse(input.sessionId, field: "sessionId"), user: Identifier.caller(context),
                           context: context)
        }
        router.query("streaming.getActiveSessions") { (input: ListInput?, context) in
            try await list(input ?? ListInput(), caller: context.user.flatMap { UUID(uuidString: $0.id) })
        }
        router.mutation("streaming.endSession", access: .user) { (input: SessionInput, context) in
            let session = try await hostedSession(input.sessionId, by: context)
            let report = try await store.sessions.end(sessionId: session.id, reason: .host, now: now())
            await signaling.endRoom(session.id.apiString, report: Self.endReport(report))
            await recordings?.stop(session.id)
            // Time live and watched, and the session's top gifter, are settled now.
            if let activity, let members = try? await store.progress.members(sessionId: session.id) {
                activity.progress.touch(members)
            }
            return Ended(report: ReportPayload(report))
        }
        router.mutation("streaming.setRecording", access: .user) { (input: RecordingInput, context) in
            let session = try await hostedSession(input.sessionId, by: context)
            guard let recordings else { throw TRPCError.badRequest("recording is not available on this server") }
            if input.on {
                let video = try await startRecording(session, with: recordings)
                return RecordingState(sessionId: session.id.apiString, recording: true, videoId: video.apiString)
            }
            let video = await recordings.stop(session.id)
            return RecordingState(sessionId: session.id.apiString, recording: false, videoId: video?.id.apiString)
        }
        router.query("streaming.getSessionReport", access: .user) { (input: SessionInput, context) in
            let id = try Identifier.parse(input.sessionId, field: "sessionId")
            let session = try await store.session(id)
            guard session.hostId == (try Identifier.caller(context)) else {
                throw TRPCError.forbidden("only the host sees the report")
            }
            return ReportPayload(try await store.sessions.report(sessionId: id, now: now()))
        }
        router.mutation("streaming.inviteGuest", access: .user) { (input: TargetInput, context) in
            let session = try await hostedSession(input.sessionId, by: context)
            let guest = try Identifier.parse(input.userId, field: "userId")
            let invite = try await store.sessions.invite(sessionId: session.id, userId: guest, now: now())
            await signaling.announce(.guestInvited(user: guest.apiString), in: session.id.apiString)
            return Done(sessionId: session.id.apiString, userId: guest.apiString, status: invite.status.rawValue)
        }
        router.mutation("streaming.respondToInvite", access: .user) { (input: RespondInput, context) in
            try await respond(input, user: Identifier.caller(context))
        }
        router.mutation("streaming.removeGuest", access: .user) { (input: TargetInput, context) in
            let session = try await hostedSession(input.sessionId, by: context)
            let guest = try Identifier.parse(input.userId, field: "userId")
            let invite = try await store.sessions.removeGuest(sessionId: session.id, userId: guest, now: now())
            await signaling.demoteToViewer(user: guest.apiString, in: session.id.apiString)
            return Done(sessionId: session.id.apiString, userId: guest.apiString, status: invite.status.rawValue)
        }
        router.mutation("streaming.muteTrack", access: .user) { (input: MuteInput, context) in
            let session = try await hostedSession(input.sessionId, by: context)
            let target = try Identifier.parse(input.userId, field: "userId")
            guard input.kind == "audio" || input.kind == "video" else {
                throw InputValidation.failure("kind", "must be \"audio\" or \"video\"")
            }
            let muted = input.muted ?? true
            let changed = await signaling.setMuted(muted, kind: input.kind, user: target.apiString, in: session.id.apiString)
            return Muted(sessionId: session.id.apiString, userId: target.apiString, kind: input.kind, muted: muted, tracks: changed)
        }
        router.mutation("streaming.kick", access: .user) { (input: TargetInput, context) in
            let session = try await hostedSession(input.sessionId, by: context)
            let target = try Identifier.parse(input.userId, field: "userId")
            _ = try await store.sessions.ban(sessionId: session.id, userId: target, now: now())
            await signaling.kick(user: target.apiString, from: session.id.apiString)
            return Done(sessionId: session.id.apiString, userId: target.apiString, status: "kicked")
        }
    }

    // MARK: procedures

    private func create(_ input: CreateInput, host: UUID) async throws -> Created {
        try InputValidation.nonEmpty(input.title, field: "title")
        try InputValidation.length(input.title, field: "title", in: 1...120)
        if let description = input.description { try InputValidation.length(description, field: "description", in: 0...2000) }
        if let category = input.category { try InputValidation.length(category, field: "category", in: 1...40) }
        guard let user = try await store.users.find(id: host) else { throw TRPCError.unauthorized("token names no user") }
        let session = try await store.sessions.create(hostId: host, title: input.title, description: input.description,
                                                      category: input.category, isPrivate: input.isPrivate ?? false, now: now())
        let token = try await roomToken(user: host, name: user.displayName, session: session.id, role: .host)
        var recordingVideo: UUID?
        if input.record == true {
            guard let recordings else { throw TRPCError.badRequest("recording is not available on this server") }
            recordingVideo = try await startRecording(session, with: recordings)
        }
        activity?.wentLive(host: user, session: session)
        return Created(session: SessionPayload(session, host: HostPayload(user)), roomToken: token,
                       recording: recordingVideo != nil, recordingVideoId: recordingVideo?.apiString)
    }

    private func startRecording(_ session: StreamingSession, with recordings: SessionRecordings) async throws -> UUID {
        do {
            return try await recordings.start(session)
        } catch let failure as RecordingFailure {
            throw TRPCError.badRequest(failure.description)
        }
    }

    private func join(_ id: UUID, user: UUID, context: TRPCCallContext) async throws -> Joined {
        let admission = try await store.sessions.admit(sessionId: id, userId: user)
        // Here, not at the media join: this is the request that carries the client's User-Agent
        // and (through a trusted proxy) its address.
        viewerFacts?.note(session: id, user: user, role: admission.role, userAgent: context.userAgent,
                          address: context.clientAddress, at: now())
        let role = RoomRole(admission.role)
        guard let host = try await store.users.find(id: admission.session.hostId) else { throw TRPCError.notFound("session not found") }
        let name = user == host.id ? host.displayName : try await store.users.find(id: user)?.displayName
        let token = try await roomToken(user: user, name: name, session: id, role: role)
        return Joined(session: SessionPayload(admission.session, host: HostPayload(host)), roomToken: token, role: role.rawValue)
    }

    private func list(_ input: ListInput, caller: UUID?) async throws -> Page {
        var cursor: SessionCursor?
        if let text = input.cursor {
            guard let parsed = SessionCursor(token: text) else { throw InputValidation.failure("cursor", "is not a cursor from this list") }
            cursor = parsed
        }
        if let limit = input.limit { try InputValidation.range(limit, field: "limit", in: 1...SessionRepository.maxPageSize) }
        let page = try await store.sessions.activeSessions(after: cursor, limit: input.limit ?? configuration.defaultPageSize,
                                                           admittedUser: caller)
        return Page(sessions: page.sessions.map(SessionListItem.init), nextCursor: page.nextCursor?.token)
    }

    private func respond(_ input: RespondInput, user: UUID) async throws -> InviteAnswer {
        let id = try Identifier.parse(input.sessionId, field: "sessionId")
        let invite = try await store.sessions.respondToInvite(sessionId: id, userId: user, accept: input.accept,
                                                              maxGuests: configuration.maxGuests, now: now())
        guard invite.status == .accepted else {
            return InviteAnswer(sessionId: id.apiString, accepted: false, role: RoomRole.viewer.rawValue, roomToken: nil)
        }
        await signaling.allowGuest(user: user.apiString, in: id.apiString)
        // A recorded session records its guests too, each into a video of their own.
        await recordings?.guestJoined(id, guest: user)
        let token = try await roomToken(user: user, name: try await store.users.find(id: user)?.displayName,
                                        session: id, role: .guest)
        return InviteAnswer(sessionId: id.apiString, accepted: true, role: RoomRole.guest.rawValue, roomToken: token)
    }

    // MARK: helpers

    /// The live session named by `text`, if the caller hosts it.
    private func hostedSession(_ text: String, by context: TRPCCallContext) async throws -> StreamingSession {
        let caller = try Identifier.caller(context)
        let id = try Identifier.parse(text, field: "sessionId")
        let session = try await store.session(id)
        guard session.hostId == caller else { throw TRPCError.forbidden("only the host can do this") }
        try session.requireLive()
        return session
    }

    /// A room token naming the user (others see `name` without looking the user up).
    private func roomToken(user: UUID, name: String?, session: UUID, role: RoomRole) async throws -> String {
        do {
            return try await roomTokens.sign(user: user.apiString, room: session.apiString, role: role,
                                             lifetime: configuration.roomTokenLifetime, now: now(), name: name)
        } catch {
            throw TRPCError.internalServerError
        }
    }

    static func endReport(_ report: SessionReport) -> SessionEndReport {
        SessionEndReport(durationSeconds: Double(report.durationSeconds), peakViewers: report.peakViewers,
                         uniqueViewers: report.uniqueViewers, totalWatchSeconds: Double(report.totalWatchSeconds),
                         averageWatchSeconds: report.averageWatchSeconds, guests: report.guests,
                         messages: report.messages, gifts: report.gifts)
    }
}

extension RoomRole {
    init(_ role: ParticipantRole) {
        switch role {
        case .host: self = .host
        case .guest: self = .guest
        case .viewer: self = .viewer
        }
    }
}
