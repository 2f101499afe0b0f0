// The seam between signaling (HTTP/WebSocket, async) and the media plane (event loops). Signaling
// only ever talks to this protocol; MediaTransport implements it, and signaling tests use a fake.
// It lives in SFU because roles and tracks are room concepts, and both sides depend on SFU.

/// What a participant may do in a room; decided by the room token, never by the client.
public enum RoomRole: String, Sendable, Codable, CaseIterable {
    case host, guest, viewer

    /// Hosts and guests publish; viewers only watch.
    public var canPublish: Bool { self != .viewer }
}

/// Identifies one peer connection (one per participant per client session).
public struct PeerSessionID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}

/// What the client wants the new peer connection for.
public enum PeerIntent: Sendable, Equatable {
    /// WHIP: the offer carries sendonly media; the server only receives.
    case publish
    /// WHEP: the offer is recvonly; the server answers with the room's current published media.
    case watch
    /// WebSocket clients: publish what the offer sends, and receive the room's tracks through
    /// server-initiated renegotiation (`PeerSessionEvent.offer`).
    case interactive
}

public struct PeerSessionRequest: Sendable {
    public var room: String
    public var participant: String
    public var role: RoomRole
    public var intent: PeerIntent
    public var offer: String
    /// The token's user and display name (chat is stamped with them); the participant id when unknown.
    public var user: String?
    public var name: String?
    /// What the session wants of every video it receives (WHEP: `?maxHeight=…&layer=…`).
    public var videoPreference: VideoPreference?

    public init(room: String, participant: String, role: RoomRole, intent: PeerIntent, offer: String,
                user: String? = nil, name: String? = nil, videoPreference: VideoPreference? = nil) {
        self.room = room
        self.participant = participant
        self.role = role
        self.intent = intent
        self.offer = offer
        self.user = user
        self.name = name
        self.videoPreference = videoPreference
    }
}

public struct PeerSessionAnswer: Sendable {
    public var id: PeerSessionID
    public var answer: String

    public init(id: PeerSessionID, answer: String) {
        self.id = id
        self.answer = answer
    }
}

/// Why the media plane refused a request; signaling maps these to HTTP codes / error messages.
public enum MediaPlaneError: Error, Sendable, Equatable {
    /// The SDP did not parse or cannot be answered (e.g. no codec in common): 400.
    case badOffer(String)
    /// The role does not allow what the offer asks (a viewer sending media): 403.
    case forbidden(String)
    /// No such peer session: 404.
    case unknownSession
    /// The session is in a state where this is not possible (e.g. answer without an offer): 409.
    case conflict(String)
    /// Media plane is shutting down or a resource limit was hit: 503.
    case unavailable(String)
}

/// Things the media plane tells signaling about one peer session.
public enum PeerSessionEvent: Sendable, Equatable {
    /// The server needs to renegotiate (tracks were added or removed): send this offer to the
    /// client and call `applyAnswer` with its answer.
    case offer(String)
    /// Media is flowing (ICE selected and DTLS connected).
    case connected
    /// A track became available in the room / went away (for client UIs).
    case trackPublished(RoomTrackInfo)
    case trackUnpublished(trackID: String)
    /// The session ended: peer left, consent expired, or closed by the server.
    case closed(reason: String)
    /// Who is speaking in the room, loudest first (empty when nobody is).
    case activeSpeakers([ActiveSpeaker])
    /// What this session now receives of a video track: the layer the SFU picked for it.
    case videoLayer(VideoLayerInfo)
    /// The SFU stopped (or restarted) a video track for this session because its bandwidth
    /// does not fit even the lowest layer; audio keeps flowing.
    case videoPaused(trackID: String)
    case videoResumed(trackID: String)
}

/// One speaker in an `activeSpeakers` list: the participant (connection) and its user.
public struct ActiveSpeaker: Sendable, Equatable, Codable {
    public var participant: String
    public var user: String

    public init(participant: String, user: String) {
        self.participant = participant
        self.user = user
    }
}

/// The layer of a video track one session receives.
public struct VideoLayerInfo: Sendable, Equatable, Codable {
    public var trackID: String
    /// Spatial layer index (0 = lowest) and temporal layer index (0 = base frame rate).
    public var spatial: Int
    public var temporal: Int
    /// The layer's size when known (the publisher's rid layers announce none).
    public var width: Int?
    public var height: Int?
    /// The session's estimated available bitrate when the choice was made.
    public var availableBitrate: UInt64?

    public init(trackID: String, spatial: Int, temporal: Int, width: Int? = nil, height: Int? = nil,
                availableBitrate: UInt64? = nil) {
        self.trackID = trackID
        self.spatial = spatial
        self.temporal = temporal
        self.width = width
        self.height = height
        self.availableBitrate = availableBitrate
    }
}

/// What a viewer asks of one video track (`set_video`): a size cap, a fixed layer, or both.
public struct VideoPreference: Sendable, Equatable {
    public var maxHeight: Int?
    public var layer: Int?

    public init(maxHeight: Int? = nil, layer: Int? = nil) {
        self.maxHeight = maxHeight
        self.layer = layer
    }
}

public struct RoomTrackInfo: Sendable, Equatable, Codable {
    public var trackID: String
    public var participant: String
    public var kind: String   // "audio" | "video"
    public var muted: Bool

    public init(trackID: String, participant: String, kind: String, muted: Bool) {
        self.trackID = trackID
        self.participant = participant
        self.kind = kind
        self.muted = muted
    }
}

/// The media plane as signaling sees it.
public protocol MediaPlane: Sendable {
    /// Creates a peer connection from a client offer and returns the SDP answer.
    func openSession(_ request: PeerSessionRequest) async throws(MediaPlaneError) -> PeerSessionAnswer
    /// The client's answer to a server offer delivered through `.offer`.
    func applyAnswer(_ answer: String, to session: PeerSessionID) async throws(MediaPlaneError)
    /// A client-initiated renegotiation (new tracks, or ICE restart when the offer has new
    /// credentials); returns the answer.
    func renegotiate(_ offer: String, on session: PeerSessionID) async throws(MediaPlaneError) -> String
    /// A trickled remote candidate (SDP `candidate:` attribute value); ICE-lite needs none to work,
    /// but they are accepted and validated.
    func addRemoteCandidate(_ candidate: String, mid: String?, to session: PeerSessionID) async throws(MediaPlaneError)
    /// Ends the session and frees everything it held.
    func closeSession(_ session: PeerSessionID) async
    /// Events of one session, until it closes. One consumer per session.
    func events(of session: PeerSessionID) -> AsyncStream<PeerSessionEvent>
    /// The tracks currently published in a room.
    func tracks(in room: String) async -> [RoomTrackInfo]

    // Room control (the host's moderation, the end of a live session).

    /// Stops (or resumes) forwarding the tracks of `kind` ("audio" or "video") that these
    /// participants publish in `room`; returns the tracks whose state changed.
    func setMuted(_ muted: Bool, kind: String, participants: Set<String>, in room: String) async -> [RoomTrackInfo]
    /// Closes the sessions of these participants in `room` (all of the room's sessions when
    /// `participants` is nil); each session's event stream ends with `.closed(reason:)`.
    func closeSessions(in room: String, participants: Set<String>?, reason: String) async

    /// A viewer's wish for one video track it receives (`set_video`): the SFU never sends a layer
    /// above it, and picks within it by the viewer's bandwidth.
    func setVideoPreference(_ preference: VideoPreference, track trackID: String,
                            on session: PeerSessionID) async throws(MediaPlaneError)

    /// What clients say on their `chat` data channels, in arrival order. One consumer (the chat
    /// service, which checks, keeps and relays each line); lines nobody consumes are dropped.
    var chatInput: AsyncStream<DataChannelChatInput> { get }
    /// Sends `text` on the `chat` channel of every session in `room` that has one open (only
    /// those of `participants`, when given); returns the participants it went to.
    func sendOnChatChannels(_ text: String, in room: String, to participants: Set<String>?) async -> Set<String>
}

/// From a session's `chat` data channel.
public enum DataChannelChatInput: Sendable, Equatable {
    /// A text line (binary, blank and oversized ones are refused on the media loop).
    case line(room: String, participant: String, user: String, name: String?, role: RoomRole, text: String)
    /// The channel opened: the member can be sent the room's recent chat.
    case opened(room: String, participant: String, user: String)
}

// MARK: recording

/// Start recording what `user` publishes in `room` into a WebM file at `path` (the room may not
/// exist yet: the recording attaches when the user's tracks appear).
public struct RecordingRequest: Sendable, Equatable {
    public var room: String
    public var user: String
    public var path: String

    public init(room: String, user: String, path: String) {
        self.room = room
        self.user = user
        self.path = path
    }
}

/// What a finished recording wrote.
public struct RecordingOutcome: Sendable, Equatable {
    public var path: String
    public var bytes: Int
    public var durationMilliseconds: Int64
    /// False when no frame was ever written (nothing was published, or no keyframe came).
    public var hasMedia: Bool
    /// Packets the recorder could not keep up with (its queue was full).
    public var droppedPackets: Int
    /// Packets that were not RTP, or whose payload did not parse (hostile or damaged input).
    public var rejectedPackets: Int
    /// Frames left out: broken by a loss, before the first keyframe, or out of order in time.
    public var framesDropped: Int
    public var writeFailed: Bool

    public init(path: String, bytes: Int, durationMilliseconds: Int64, hasMedia: Bool, droppedPackets: Int,
                rejectedPackets: Int = 0, framesDropped: Int = 0, writeFailed: Bool) {
        self.rejectedPackets = rejectedPackets
        self.framesDropped = framesDropped
        self.path = path
        self.bytes = bytes
        self.durationMilliseconds = durationMilliseconds
        self.hasMedia = hasMedia
        self.droppedPackets = droppedPackets
        self.writeFailed = writeFailed
    }
}

/// What a media plane offers to record rooms (MediaTransport implements it; tests fake it).
public protocol RecordingMediaPlane: Sendable {
    /// Starts recording one user's tracks in a room (the host's, a guest's: each publisher its
    /// own file); a second start for the same room and user is a conflict.
    func startRecording(_ request: RecordingRequest) async throws(MediaPlaneError)
    /// Stops that recording and finishes its file; nil when none was running.
    func stopRecording(room: String, user: String) async -> RecordingOutcome?
}
