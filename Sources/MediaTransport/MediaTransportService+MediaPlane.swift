import SDP
import SFU

// The media plane as signaling sees it. SDP is parsed on the caller's task; everything that
// touches a room or a peer hops onto the loop that owns the room.

extension MediaTransportService: MediaPlane {
    public func openSession(_ request: PeerSessionRequest) async throws(MediaPlaneError) -> PeerSessionAnswer {
        let offer = try Self.parse(request.offer)
        guard !request.room.isEmpty else { throw .badOffer("empty room name") }
        var random = SystemRandomNumberGenerator()
        let id = PeerSessionID("ps-" + String(UInt64.random(in: 0...UInt64.max, using: &random), radix: 16))
        let (stream, continuation) = AsyncStream.makeStream(of: PeerSessionEvent.self, bufferingPolicy: .bufferingNewest(256))
        let loop = try place(id, in: request.room, stream: stream)
        do {
            let answer = try await onLoop(loop) { () throws(MediaPlaneError) -> String in
                try loop.open(request, offer: offer, id: id, events: continuation)
            }
            return PeerSessionAnswer(id: id, answer: answer)
        } catch {
            release(id)
            continuation.finish()
            throw error
        }
    }

    public func applyAnswer(_ answer: String, to session: PeerSessionID) async throws(MediaPlaneError) {
        let description = try Self.parse(answer)
        guard let loop = loop(of: session) else { throw .unknownSession }
        try await onLoop(loop) { () throws(MediaPlaneError) in try loop.applyAnswer(description, to: session) }
    }

    public func renegotiate(_ offer: String, on session: PeerSessionID) async throws(MediaPlaneError) -> String {
        let description = try Self.parse(offer)
        guard let loop = loop(of: session) else { throw .unknownSession }
        return try await onLoop(loop) { () throws(MediaPlaneError) -> String in
            try loop.renegotiate(session, offer: description)
        }
    }

    public func addRemoteCandidate(_ candidate: String, mid: String?, to session: PeerSessionID) async throws(MediaPlaneError) {
        guard let loop = loop(of: session) else { throw .unknownSession }
        try await onLoop(loop) { () throws(MediaPlaneError) in try loop.addRemoteCandidate(candidate, to: session) }
    }

    public func closeSession(_ session: PeerSessionID) async {
        guard let loop = loop(of: session) else { return }
        _ = try? await onLoop(loop) { () throws(MediaPlaneError) in loop.closeSession(session, reason: "closed by signaling") }
    }

    public func events(of session: PeerSessionID) -> AsyncStream<PeerSessionEvent> {
        if let stream = takeStream(of: session) { return stream }
        return AsyncStream { $0.finish() }
    }

    public func setMuted(_ muted: Bool, kind: String, participants: Set<String>, in room: String) async -> [RoomTrackInfo] {
        guard let loop = loop(ofRoom: room) else { return [] }
        return (try? await onLoop(loop) { () throws(MediaPlaneError) -> [RoomTrackInfo] in
            loop.setMuted(muted, kind: kind, participants: participants, in: room)
        }) ?? []
    }

    public func closeSessions(in room: String, participants: Set<String>?, reason: String) async {
        guard let loop = loop(ofRoom: room) else { return }
        _ = try? await onLoop(loop) { () throws(MediaPlaneError) in
            loop.closeSessions(in: room, participants: participants, reason: reason)
        }
    }

    public func setVideoPreference(_ preference: VideoPreference, track trackID: String,
                                   on session: PeerSessionID) async throws(MediaPlaneError) {
        guard let loop = loop(of: session) else { throw .unknownSession }
        try await onLoop(loop) { () throws(MediaPlaneError) in
            try loop.setVideoPreference(preference, track: trackID, on: session)
        }
    }

    public func sendOnChatChannels(_ text: String, in room: String, to participants: Set<String>?) async -> Set<String> {
        guard let loop = loop(ofRoom: room) else { return [] }
        return (try? await onLoop(loop) { () throws(MediaPlaneError) -> Set<String> in
            loop.sendOnChatChannels(text, in: room, to: participants)
        }) ?? []
    }

    public func tracks(in room: String) async -> [RoomTrackInfo] {
        guard let loop = loop(ofRoom: room) else { return [] }
        return (try? await onLoop(loop) { () throws(MediaPlaneError) -> [RoomTrackInfo] in loop.trackInfos(in: room) }) ?? []
    }

    private static func parse(_ text: String) throws(MediaPlaneError) -> SessionDescription {
        do {
            return try SessionDescription(parsing: text)
        } catch {
            throw .badOffer("SDP does not parse: \(error)")
        }
    }
}
