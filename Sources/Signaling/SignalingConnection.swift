import HummingbirdWebSocket
import Logging
import SDP
import SFU

/// One `/rtc` WebSocket client, from upgrade to close.
///
/// Everything that can happen to the connection (a client message, a media-plane event, a room
/// notice, the join deadline, the socket ending) is put into one input stream and handled in
/// order by one loop. So replies keep their order: the answer to an offer always goes out before
/// a server offer that the media plane raised meanwhile, and no state is shared between tasks.
final class SignalingConnection {
    enum Input: Sendable {
        case message(WebSocketMessage)
        case inboundEnded
        case inboundFailed(any Error)
        case media(PeerSessionID, PeerSessionEvent)
        case room(SignalingHub.Notice)
        case joinDeadline
    }

    private enum Outcome {
        case proceed
        case stop
        case fail(any Error)
    }

    private struct Member {
        var token: RoomToken
        var info: ParticipantInfo
    }

    private let mediaPlane: any MediaPlane
    private let tokens: RoomTokenVerifier
    private let hub: SignalingHub
    private let welcome: RoomWelcome
    private let configuration: SignalingConfiguration
    private let urlToken: String?
    private let outbound: WebSocketOutboundWriter
    private let logger: Logger
    private let inputs: AsyncStream<Input>
    private let continuation: AsyncStream<Input>.Continuation

    private var member: Member?
    private var session: PeerSessionID?
    private var badMessages = 0

    init(mediaPlane: any MediaPlane, tokens: RoomTokenVerifier, hub: SignalingHub, welcome: RoomWelcome,
         configuration: SignalingConfiguration, urlToken: String?, outbound: WebSocketOutboundWriter, logger: Logger) {
        self.mediaPlane = mediaPlane
        self.tokens = tokens
        self.hub = hub
        self.welcome = welcome
        self.configuration = configuration
        self.urlToken = urlToken
        self.outbound = outbound
        self.logger = logger
        (inputs, continuation) = AsyncStream.makeStream(of: Input.self)
    }

    /// Runs until the client leaves or disconnects; then closes the peer session and leaves the
    /// room. Rethrows the inbound stream's failure (too large a message: WSCore closes with 1009).
    func run(inbound: WebSocketInboundStream) async throws {
        var failure: (any Error)?
        await withDiscardingTaskGroup { group in
            let continuation = self.continuation
            let maxMessageBytes = configuration.maxMessageBytes
            group.addTask {
                do {
                    for try await message in inbound.messages(maxSize: maxMessageBytes) {
                        continuation.yield(.message(message))
                    }
                    continuation.yield(.inboundEnded)
                } catch {
                    continuation.yield(.inboundFailed(error))
                }
            }
            let joinTimeout = configuration.joinTimeout
            group.addTask {
                try? await Task.sleep(for: joinTimeout)
                if !Task.isCancelled { continuation.yield(.joinDeadline) }
            }
            inputLoop: for await input in inputs {
                switch await handle(input, group: &group) {
                case .proceed: continue inputLoop
                case .stop: break inputLoop
                case .fail(let error):
                    failure = error
                    break inputLoop
                }
            }
            await leaveRoom()
            continuation.finish()
            group.cancelAll()
        }
        if let failure { throw failure }
    }

    // MARK: inputs

    private func handle(_ input: Input, group: inout DiscardingTaskGroup) async -> Outcome {
        switch input {
        case .message(.text(let text)):
            let request: ClientRequest
            do {
                request = try ClientRequest(decoding: text, maxBytes: configuration.maxMessageBytes)
            } catch {
                noteBadMessage(error.message)
                return await send(.error(code: error.code, message: error.message), id: error.id)
            }
            return await handle(request, group: &group)
        case .message(.binary):
            noteBadMessage("binary message")
            return await send(.error(code: .badRequest, message: "binary messages are not supported"))
        case .inboundEnded:
            return .stop
        case .inboundFailed(let error):
            return .fail(error)
        case .media(let id, let event):
            guard id == session else { return .proceed }  // an event of a session we already closed
            return await handle(event)
        case .room(let notice):
            guard member != nil else { return .proceed }
            switch notice {
            case .participantJoined(let info): return await send(.participantJoined(info))
            case .participantLeft(let info): return await send(.participantLeft(info))
            case .event(let event): return await send(.roomEvent(event))
            case .text(let text): return await sendText(text)
            case .roleChanged(let role):
                // The hub already counts this connection with its new role; what it may do
                // from now on follows the new role too. Publishing sessions are closed by
                // the media plane, which tells us with `.closed`.
                member?.token.role = role
                member?.info.role = role
                return await send(.roleChanged(role))
            case .removed(let refusal):
                await leaveRoom()
                _ = await send(.closed(reason: refusal == .kicked ? "kicked" : "session_ended"))
                try? await outbound.close(refusal == .kicked ? .policyViolation : .normalClosure,
                                          reason: refusal == .kicked ? "kicked" : "session_ended")
                return .stop
            }
        case .joinDeadline:
            guard member == nil else { return .proceed }
            return await refuse(.unauthorized, "no join within \(configuration.joinTimeout)", id: nil)
        }
    }

    private func handle(_ request: ClientRequest, group: inout DiscardingTaskGroup) async -> Outcome {
        let id = request.id
        switch request.message {
        case .ping:
            return await send(.pong, id: id)
        case .join(let room, let token, let version):
            return await join(room: room, token: token, version: version, id: id)
        case .leave:
            await leaveRoom()
            guard case .proceed = await send(.closed(reason: "left"), id: id) else { return .stop }
            try? await outbound.close(.normalClosure, reason: "left")
            return .stop
        case .offer, .answer, .candidate, .setVideo:
            guard let member else {
                return await send(.error(code: .notJoined, message: "join first"), id: id)
            }
            switch request.message {
            case .offer(let sdp): return await offer(sdp, member: member, id: id, group: &group)
            case .answer(let sdp): return await answer(sdp, member: member, id: id)
            case .candidate(let candidate, let mid): return await trickle(candidate, mid: mid, id: id)
            case .setVideo(let track, let maxHeight, let layer):
                return await setVideo(VideoPreference(maxHeight: maxHeight, layer: layer), track: track, id: id)
            default: return .proceed
            }
        }
    }

    private func handle(_ event: PeerSessionEvent) async -> Outcome {
        switch event {
        case .offer(let sdp):
            return await send(.offer(sdp: sdp))
        case .connected:
            return await send(.connected)
        case .trackPublished(let track):
            return await send(.trackPublished(track))
        case .trackUnpublished(let trackID):
            return await send(.trackUnpublished(trackID: trackID))
        case .closed(let reason):
            // The socket stays: the client may send a new offer to start again.
            session = nil
            return await send(.closed(reason: reason))
        case .activeSpeakers(let speakers):
            return await send(.activeSpeakers(speakers))
        case .videoLayer(let layer):
            return await send(.videoLayer(layer))
        case .videoPaused(let trackID):
            return await send(.videoPaused(trackID: trackID))
        case .videoResumed(let trackID):
            return await send(.videoResumed(trackID: trackID))
        }
    }

    // MARK: requests

    private func join(room: String?, token: String?, version: Int?, id: RequestID?) async -> Outcome {
        guard member == nil else {
            return await send(.error(code: .alreadyJoined, message: "already joined"), id: id)
        }
        if let version, version != SignalingProtocol.version {
            return await send(.error(code: .unsupportedProtocol,
                                     message: "protocol \(version) not supported; this server speaks \(SignalingProtocol.version)"), id: id)
        }
        let verified: RoomToken
        do {
            verified = try await tokens.verify(token ?? urlToken, room: room, now: configuration.now())
        } catch {
            switch error {
            case .wrongRoom: return await refuse(.forbidden, "token is for another room", id: id)
            case .missing: return await refuse(.unauthorized, "missing token", id: id)
            case .expired: return await refuse(.unauthorized, "token expired", id: id)
            case .badSignature: return await refuse(.unauthorized, "token signature does not verify", id: id)
            case .malformed: return await refuse(.unauthorized, "token is malformed", id: id)
            }
        }
        let info = ParticipantInfo(participant: "p-" + RandomIdentifier.hex(byteCount: 8), user: verified.user,
                                   role: verified.role, name: verified.name)
        let continuation = self.continuation
        let others: [ParticipantInfo]
        do {
            others = try await hub.join(room: verified.room, info) { notice in continuation.yield(.room(notice)) }
        } catch {
            return await refuse(.forbidden, error.message, id: id)
        }
        member = Member(token: verified, info: info)
        let tracks = await mediaPlane.tracks(in: verified.room)
        let joined = await send(.joined(.init(room: verified.room, participant: info.participant, user: verified.user,
                                              role: verified.role, tracks: tracks, participants: others)), id: id)
        guard case .proceed = joined else { return joined }
        // What the room has to say to a newcomer (the latest chat), right after `joined`.
        for text in await welcome.messages(room: verified.room, member: info) {
            guard case .proceed = await sendText(text) else { return .stop }
        }
        return .proceed
    }

    private func offer(_ sdp: String, member: Member, id: RequestID?, group: inout DiscardingTaskGroup) async -> Outcome {
        do {
            _ = try PublishPermission.check(sdp, role: member.token.role)
            if let session {
                let answer = try await mediaPlane.renegotiate(sdp, on: session)
                return await send(.answer(sdp: answer), id: id)
            }
            let opened = try await mediaPlane.openSession(PeerSessionRequest(
                room: member.token.room, participant: member.info.participant, role: member.token.role,
                intent: .interactive, offer: sdp, user: member.token.user, name: member.token.name))
            session = opened.id
            let events = mediaPlane.events(of: opened.id)
            let continuation = self.continuation
            // Its events queue behind this handler, so the answer below goes out first.
            group.addTask {
                for await event in events { continuation.yield(.media(opened.id, event)) }
            }
            return await send(.answer(sdp: opened.answer), id: id)
        } catch {
            return await reportMediaError(error, id: id)
        }
    }

    private func answer(_ sdp: String, member: Member, id: RequestID?) async -> Outcome {
        guard let session else { return await send(.error(code: .noSession, message: "no session: send an offer first"), id: id) }
        do {
            _ = try PublishPermission.check(sdp, role: member.token.role)
            try await mediaPlane.applyAnswer(sdp, to: session)
            return .proceed
        } catch {
            return await reportMediaError(error, id: id)
        }
    }

    private func trickle(_ candidate: String, mid: String?, id: RequestID?) async -> Outcome {
        guard let session else { return await send(.error(code: .noSession, message: "no session: send an offer first"), id: id) }
        var value = Substring(candidate).trimmingSpaces()
        if value.hasPrefix("a=") { value = value.dropFirst(2) }
        if value.hasPrefix("candidate:") { value = value.dropFirst("candidate:".count) }
        // An empty candidate is the browser's end-of-candidates; ICE-lite has nothing to do.
        guard !value.isEmpty else { return .proceed }
        do {
            _ = try SDPCandidate(parsing: String(value))
        } catch {
            return await send(.error(code: .badCandidate, message: "bad candidate: \(error)"), id: id)
        }
        do {
            try await mediaPlane.addRemoteCandidate(String(value), mid: mid, to: session)
            return .proceed
        } catch {
            return await reportMediaError(error, id: id)
        }
    }

    private func setVideo(_ preference: VideoPreference, track: String, id: RequestID?) async -> Outcome {
        guard let session else { return await send(.error(code: .noSession, message: "no session: send an offer first"), id: id) }
        do {
            try await mediaPlane.setVideoPreference(preference, track: track, on: session)
            return .proceed
        } catch {
            return await reportMediaError(error, id: id)
        }
    }

    // MARK: helpers

    private func reportMediaError(_ error: MediaPlaneError, id: RequestID?) async -> Outcome {
        switch error {
        case .badOffer(let reason): return await send(.error(code: .badOffer, message: reason), id: id)
        case .forbidden(let reason): return await send(.error(code: .forbidden, message: reason), id: id)
        case .unknownSession:
            session = nil
            return await send(.error(code: .noSession, message: "the session has ended"), id: id)
        case .conflict(let reason): return await send(.error(code: .conflict, message: reason), id: id)
        case .unavailable(let reason): return await send(.error(code: .unavailable, message: reason), id: id)
        }
    }

    /// Closes the peer session and leaves the room; safe to call twice.
    private func leaveRoom() async {
        if let session {
            self.session = nil
            await mediaPlane.closeSession(session)
        }
        if let member {
            self.member = nil
            await hub.leave(room: member.token.room, participant: member.info.participant)
        }
    }

    /// An `error`, then close with 1008 (policy violation): used when the client may not stay.
    private func refuse(_ code: SignalingErrorCode, _ message: String, id: RequestID?) async -> Outcome {
        _ = await send(.error(code: code, message: message), id: id)
        try? await outbound.close(.policyViolation, reason: code.rawValue)
        return .stop
    }

    /// Writes one message; a failed write means the socket is gone.
    private func send(_ message: ServerMessage, id: RequestID? = nil) async -> Outcome {
        await sendText(message.encoded(replyingTo: id))
    }

    private func sendText(_ text: String) async -> Outcome {
        do {
            try await outbound.writeTextMessage(text)
            return .proceed
        } catch {
            return .stop
        }
    }

    /// Bad input is answered, and logged once per connection (the first), so a noisy client
    /// cannot flood the log.
    private func noteBadMessage(_ reason: String) {
        badMessages += 1
        if badMessages == 1 {
            logger.notice("signaling: bad client message", metadata: ["reason": "\(reason)"])
        }
    }
}
