import Hummingbird
import SFU

/// WHIP (RFC 9725) and WHEP (draft-ietf-wish-whep) requests, one method per HTTP verb:
/// `POST /{endpoint}/{room}` creates a session, `PATCH` / `DELETE /{endpoint}/{room}/{resource}`
/// trickle candidates to it / end it, `OPTIONS` on both answers CORS preflights.
///
/// Order of checks, so a stranger learns nothing: token (401), room and role (403), then the
/// resource (404), then the request itself (415, 412, 413, 400), then the media plane.
struct WISHHandler: Sendable {
    let mediaPlane: any MediaPlane
    let tokens: RoomTokenVerifier
    let configuration: SignalingConfiguration
    let hub: SignalingHub
    let registry: HTTPSessionRegistry
    /// Hands a new session to `SignalingService.run`, which follows its events until it ends.
    let watch: @Sendable (_ resource: String, _ session: PeerSessionID) -> Void

    var responses: HTTPResponses { HTTPResponses(allowedOrigin: configuration.allowedOrigin) }

    // MARK: POST

    func create(_ request: Request, endpoint: WISHEndpoint, room: String) async -> Response {
        guard RoomName.isValid(room) else { return responses.failure(.notFound, "no such endpoint") }
        let token: RoomToken
        switch await authenticate(request, room: room) {
        case .success(let verified): token = verified
        case .failure(let failure): return failure.response
        }
        guard endpoint.admits(token.role) else {
            return responses.failure(.forbidden, "role \(token.role.rawValue) may not use \(endpoint.rawValue.uppercased())")
        }
        guard Self.hasMediaType(request, HTTPResponses.sdpType) else {
            return responses.failure(.unsupportedMediaType, "Content-Type must be \(HTTPResponses.sdpType)")
        }
        let offer: String
        switch await readBody(request) {
        case .success(let bytes):
            guard let text = String(validating: bytes, as: UTF8.self) else {
                return responses.failure(.badRequest, "bad offer: not UTF-8")
            }
            offer = text
        case .failure(let failure): return failure.response
        }
        let ufrag: String?
        do {
            ufrag = PublishPermission.iceUfrag(of: try PublishPermission.check(offer, role: token.role))
        } catch {
            return responses.mediaFailure(error)
        }
        if let refusal = await hub.admission(room: room, user: token.user, role: token.role) {
            return responses.failure(.forbidden, refusal.message)
        }
        let participant = ParticipantInfo(participant: "p-" + RandomIdentifier.hex(byteCount: 8),
                                          user: token.user, role: token.role, name: token.name)
        // WHEP viewers choose their video size in the query: ?maxHeight=360 and/or ?layer=0..2.
        let query = request.uri.queryParameters
        let maxHeight = query["maxHeight"].flatMap { Int(String($0)) }
        let layer = query["layer"].flatMap { Int(String($0)) }
        if let maxHeight, !(1...8192).contains(maxHeight) { return responses.failure(.badRequest, "maxHeight must be 1...8192") }
        if let layer, !(0...2).contains(layer) { return responses.failure(.badRequest, "layer must be 0, 1 or 2") }
        let preference = maxHeight == nil && layer == nil ? nil : VideoPreference(maxHeight: maxHeight, layer: layer)
        let answer: PeerSessionAnswer
        do {
            answer = try await mediaPlane.openSession(PeerSessionRequest(
                room: room, participant: participant.participant, role: token.role,
                intent: endpoint.intent, offer: offer, user: token.user, name: token.name, videoPreference: preference))
        } catch {
            return responses.mediaFailure(error)
        }
        let eTag = "\"" + RandomIdentifier.hex(byteCount: 8) + "\""
        let resource = await registry.insert(.init(endpoint: endpoint, room: room, participant: participant,
                                                   session: answer.id, iceUfrag: ufrag, eTag: eTag))
        do {
            try await hub.join(room: room, participant, sink: nil)
        } catch {
            // Kicked or ended between the check above and now: undo the session.
            await registry.remove(resource)
            await mediaPlane.closeSession(answer.id)
            return responses.failure(.forbidden, error.message)
        }
        watch(resource, answer.id)
        return responses.created(location: "/\(endpoint.pathSegment)/\(room)/\(resource)", eTag: eTag, answer: answer.answer)
    }

    // MARK: DELETE

    func delete(_ request: Request, endpoint: WISHEndpoint, room: String, resource: String) async -> Response {
        let entry: HTTPSessionRegistry.Entry
        switch await authorizedEntry(request, endpoint: endpoint, room: room, resource: resource) {
        case .success(let found): entry = found
        case .failure(let failure): return failure.response
        }
        // Remove first: a second DELETE racing this one gets 404, not a second close.
        guard await registry.remove(resource) != nil else { return responses.failure(.notFound, "no such session") }
        await hub.leave(room: room, participant: entry.participant.participant)
        await mediaPlane.closeSession(entry.session)
        return responses.empty(.ok)
    }

    // MARK: PATCH (trickle ICE)

    func patch(_ request: Request, endpoint: WISHEndpoint, room: String, resource: String) async -> Response {
        let entry: HTTPSessionRegistry.Entry
        switch await authorizedEntry(request, endpoint: endpoint, room: room, resource: resource) {
        case .success(let found): entry = found
        case .failure(let failure): return failure.response
        }
        guard Self.hasMediaType(request, HTTPResponses.trickleType) else {
            return responses.failure(.unsupportedMediaType, "Content-Type must be \(HTTPResponses.trickleType)")
        }
        // RFC 9725 §4.3.2: an ICE restart PATCH carries If-Match: *; we do not restart ICE.
        let ifMatch = request.headers[.ifMatch]
        if ifMatch == "*" { return responses.methodNotAllowed(resource: true) }
        if let ifMatch, ifMatch != entry.eTag { return responses.failure(.preconditionFailed, "ETag does not match") }
        let body: [UInt8]
        switch await readBody(request) {
        case .success(let bytes): body = bytes
        case .failure(let failure): return failure.response
        }
        let fragment: TrickleICEFragment
        do {
            fragment = try TrickleICEFragment(parsing: body)
        } catch {
            return responses.failure(.badRequest, "bad trickle-ice-sdpfrag: \(error)")
        }
        if let ufrag = fragment.iceUfrag, let current = entry.iceUfrag, ufrag != current, fragment.icePwd != nil {
            // New credentials without If-Match: * is still a restart request.
            return responses.methodNotAllowed(resource: true)
        }
        for candidate in fragment.candidates {
            do {
                try await mediaPlane.addRemoteCandidate(candidate.value, mid: candidate.mid, to: entry.session)
            } catch {
                return responses.mediaFailure(error)
            }
        }
        return responses.empty(.noContent)
    }

    // MARK: shared checks

    private func authenticate(_ request: Request, room: String) async -> Result<RoomToken, ResponseFailure> {
        do {
            return .success(try await tokens.verify(Self.bearerToken(request), room: room, now: configuration.now()))
        } catch {
            return .failure(ResponseFailure(responses.tokenFailure(error)))
        }
    }

    /// The session behind a resource URL, if the token may act on it: a token for the room, and
    /// either the user who created the session or the room's host.
    private func authorizedEntry(_ request: Request, endpoint: WISHEndpoint, room: String,
                                 resource: String) async -> Result<HTTPSessionRegistry.Entry, ResponseFailure> {
        guard RoomName.isValid(room) else { return .failure(ResponseFailure(responses.failure(.notFound, "no such session"))) }
        let token: RoomToken
        switch await authenticate(request, room: room) {
        case .success(let verified): token = verified
        case .failure(let failure): return .failure(failure)
        }
        guard let entry = await registry.entry(resource), entry.room == room, entry.endpoint == endpoint else {
            return .failure(ResponseFailure(responses.failure(.notFound, "no such session")))
        }
        guard entry.participant.user == token.user || token.role == .host else {
            return .failure(ResponseFailure(responses.failure(.forbidden, "session belongs to another user")))
        }
        return .success(entry)
    }

    /// The body, at most `maxBodyBytes` (413 beyond, checked against Content-Length before
    /// reading when the client sends one).
    private func readBody(_ request: Request) async -> Result<[UInt8], ResponseFailure> {
        let limit = configuration.maxBodyBytes
        let tooLarge = ResponseFailure(responses.failure(.contentTooLarge, "body larger than \(limit) bytes"))
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit { return .failure(tooLarge) }
        var collected = ByteBuffer()
        do {
            for try await chunk in request.body {
                guard collected.readableBytes + chunk.readableBytes <= limit else { return .failure(tooLarge) }
                var chunk = chunk
                collected.writeBuffer(&chunk)
            }
        } catch {
            return .failure(ResponseFailure(responses.failure(.badRequest, "could not read body")))
        }
        return .success(Array(collected.readableBytesView))
    }

    /// `Authorization: Bearer <token>` (scheme case-insensitive, RFC 6750 §2.1).
    static func bearerToken(_ request: Request) -> String? {
        guard let value = request.headers[.authorization] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingSpaces()
        return token.isEmpty ? nil : String(token)
    }

    /// The media type without parameters, compared case-insensitively.
    static func hasMediaType(_ request: Request, _ expected: String) -> Bool {
        guard let value = request.headers[.contentType] else { return false }
        let type = value.split(separator: ";", maxSplits: 1).first.map { $0.trimmingSpaces() } ?? ""
        return type.lowercased() == expected
    }
}

/// A response that ends a request early, carried through `Result` so handlers stay linear.
struct ResponseFailure: Error {
    let response: Response
    init(_ response: Response) { self.response = response }
}
