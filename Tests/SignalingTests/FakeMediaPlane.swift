import SFU
import Synchronization

/// A media plane that records every call, answers with canned SDP, and lets a test push events
/// into a session's stream. Failures can be armed per operation.
final class FakeMediaPlane: MediaPlane {
    enum Call: Equatable, Sendable {
        case open(PeerSessionRequestRecord)
        case applyAnswer(String, PeerSessionID)
        case renegotiate(String, PeerSessionID)
        case addCandidate(String, mid: String?, PeerSessionID)
        case close(PeerSessionID)
        case setMuted(Bool, kind: String, participants: Set<String>, room: String)
        case closeSessions(room: String, participants: Set<String>?, reason: String)
        case setVideoPreference(VideoPreference, track: String, PeerSessionID)
    }

    /// `PeerSessionRequest` is not Equatable; this is its recorded form.
    struct PeerSessionRequestRecord: Equatable, Sendable {
        var room: String
        var participant: String
        var role: RoomRole
        var intent: PeerIntent
        var offer: String
        var videoPreference: VideoPreference? = nil
    }

    private struct Session {
        var room: String
        var participant: String
        var stream: AsyncStream<PeerSessionEvent>
        var continuation: AsyncStream<PeerSessionEvent>.Continuation
    }

    private struct State {
        var calls: [Call] = []
        var sessions: [PeerSessionID: Session] = [:]
        var opened = 0
        var openError: MediaPlaneError?
        var candidateError: MediaPlaneError?
        var tracks: [String: [RoomTrackInfo]] = [:]
    }

    private let state = Mutex(State())

    static func answer(for id: PeerSessionID) -> String { "v=0\r\ns=fake answer for \(id)\r\n" }
    static func renegotiated(_ id: PeerSessionID) -> String { "v=0\r\ns=fake renegotiated answer for \(id)\r\n" }

    var calls: [Call] { state.withLock { $0.calls } }
    var openRequests: [PeerSessionRequestRecord] {
        calls.compactMap { if case .open(let record) = $0 { record } else { nil } }
    }
    var closed: [PeerSessionID] {
        calls.compactMap { if case .close(let id) = $0 { id } else { nil } }
    }

    func failOpen(with error: MediaPlaneError?) { state.withLock { $0.openError = error } }
    func failCandidates(with error: MediaPlaneError?) { state.withLock { $0.candidateError = error } }
    func setTracks(_ tracks: [RoomTrackInfo], in room: String) { state.withLock { $0.tracks[room] = tracks } }


    /// Delivers an event to a session's stream, as the transport would.
    func emit(_ event: PeerSessionEvent, to id: PeerSessionID) {
        let continuation = state.withLock { $0.sessions[id]?.continuation }
        continuation?.yield(event)
    }

    /// Polls until `condition` holds on the recorded calls (the server works asynchronously).
    func waitUntil(timeout: Duration = .seconds(5), _ condition: ([Call]) -> Bool) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while clock.now < deadline {
            if condition(calls) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition(calls)
    }

    // MARK: MediaPlane

    func openSession(_ request: PeerSessionRequest) async throws(MediaPlaneError) -> PeerSessionAnswer {
        let record = PeerSessionRequestRecord(room: request.room, participant: request.participant,
                                              role: request.role, intent: request.intent, offer: request.offer,
                                              videoPreference: request.videoPreference)
        let result: Result<PeerSessionID, MediaPlaneError> = state.withLock { state in
            state.calls.append(.open(record))
            if let error = state.openError { return .failure(error) }
            state.opened += 1
            let id = PeerSessionID("s\(state.opened)")
            let (stream, continuation) = AsyncStream.makeStream(of: PeerSessionEvent.self)
            state.sessions[id] = Session(room: request.room, participant: request.participant,
                                         stream: stream, continuation: continuation)
            return .success(id)
        }
        let id = try result.get()
        return PeerSessionAnswer(id: id, answer: Self.answer(for: id))
    }

    func applyAnswer(_ answer: String, to session: PeerSessionID) async throws(MediaPlaneError) {
        let known = state.withLock { state in
            state.calls.append(.applyAnswer(answer, session))
            return state.sessions[session] != nil
        }
        guard known else { throw .unknownSession }
    }

    func renegotiate(_ offer: String, on session: PeerSessionID) async throws(MediaPlaneError) -> String {
        let known = state.withLock { state in
            state.calls.append(.renegotiate(offer, session))
            return state.sessions[session] != nil
        }
        guard known else { throw .unknownSession }
        return Self.renegotiated(session)
    }

    func addRemoteCandidate(_ candidate: String, mid: String?, to session: PeerSessionID) async throws(MediaPlaneError) {
        let error = state.withLock { state in
            state.calls.append(.addCandidate(candidate, mid: mid, session))
            return state.sessions[session] == nil ? MediaPlaneError.unknownSession : state.candidateError
        }
        if let error { throw error }
    }

    func closeSession(_ session: PeerSessionID) async {
        let continuation = state.withLock { state in
            state.calls.append(.close(session))
            return state.sessions.removeValue(forKey: session)?.continuation
        }
        continuation?.finish()
    }

    func events(of session: PeerSessionID) -> AsyncStream<PeerSessionEvent> {
        if let stream = state.withLock({ $0.sessions[session]?.stream }) { return stream }
        return AsyncStream { $0.finish() }
    }

    func tracks(in room: String) async -> [RoomTrackInfo] {
        state.withLock { $0.tracks[room] ?? [] }
    }

    func setMuted(_ muted: Bool, kind: String, participants: Set<String>, in room: String) async -> [RoomTrackInfo] {
        state.withLock { state in
            state.calls.append(.setMuted(muted, kind: kind, participants: participants, room: room))
            var changed: [RoomTrackInfo] = []
            for index in (state.tracks[room] ?? []).indices {
                guard var track = state.tracks[room]?[index], track.kind == kind, track.muted != muted,
                      participants.contains(track.participant) else { continue }
                track.muted = muted
                state.tracks[room]?[index] = track
                changed.append(track)
            }
            return changed
        }
    }

    /// Like the transport: each matching session's stream says `.closed` and ends.
    func closeSessions(in room: String, participants: Set<String>?, reason: String) async {
        let closing = state.withLock { state in
            state.calls.append(.closeSessions(room: room, participants: participants, reason: reason))
            let ids = state.sessions.filter { $0.value.room == room && (participants?.contains($0.value.participant) ?? true) }.map(\.key)
            return ids.compactMap { state.sessions.removeValue(forKey: $0)?.continuation }
        }
        for continuation in closing {
            continuation.yield(.closed(reason: reason))
            continuation.finish()
        }
    }

    func setVideoPreference(_ preference: VideoPreference, track trackID: String,
                            on session: PeerSessionID) async throws(MediaPlaneError) {
        let known = state.withLock { state in
            state.calls.append(.setVideoPreference(preference, track: trackID, session))
            return state.sessions[session] != nil
        }
        guard known else { throw .unknownSession }
    }

    /// The fake carries no data channels: nothing comes in, nothing goes out on them.
    var chatInput: AsyncStream<DataChannelChatInput> { AsyncStream { $0.finish() } }

    func sendOnChatChannels(_ text: String, in room: String, to participants: Set<String>?) async -> Set<String> { [] }
}
