#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SFU

/// A message from the server to a WebSocket client (docs/signaling.md has the wire format).
public enum ServerMessage: Sendable, Equatable {
    case joined(Joined)
    case answer(sdp: String)
    case offer(sdp: String)
    case trackPublished(RoomTrackInfo)
    case trackUnpublished(trackID: String)
    case participantJoined(ParticipantInfo)
    case participantLeft(ParticipantInfo)
    case connected
    case error(code: SignalingErrorCode, message: String)
    case closed(reason: String)
    case pong
    /// A live-session event (`viewer_joined`, `session_ended`, ...): `type` is the event's own.
    case roomEvent(LiveSessionEvent)
    /// This connection's role changed (a guest removed by the host is a viewer again).
    case roleChanged(RoomRole)
    /// Who speaks in the room now, loudest first (at most 4 times a second).
    case activeSpeakers([ActiveSpeaker])
    /// The layer of a video track this connection now receives.
    case videoLayer(VideoLayerInfo)
    case videoPaused(trackID: String)
    case videoResumed(trackID: String)

    public struct Joined: Sendable, Equatable {
        public var room: String
        public var participant: String
        public var user: String
        public var role: RoomRole
        public var tracks: [RoomTrackInfo]
        public var participants: [ParticipantInfo]

        public init(room: String, participant: String, user: String, role: RoomRole,
                    tracks: [RoomTrackInfo], participants: [ParticipantInfo]) {
            self.room = room
            self.participant = participant
            self.user = user
            self.role = role
            self.tracks = tracks
            self.participants = participants
        }
    }

    public var type: String {
        switch self {
        case .joined: "joined"
        case .answer: "answer"
        case .offer: "offer"
        case .trackPublished: "track_published"
        case .trackUnpublished: "track_unpublished"
        case .participantJoined: "participant_joined"
        case .participantLeft: "participant_left"
        case .connected: "connected"
        case .error: "error"
        case .closed: "closed"
        case .pong: "pong"
        case .roomEvent(let event): event.type
        case .roleChanged: "role_changed"
        case .activeSpeakers: "active_speakers"
        case .videoLayer: "video_layer"
        case .videoPaused: "video_paused"
        case .videoResumed: "video_resumed"
        }
    }

    /// The JSON text, with `id` set when this replies to a request that had one.
    public func encoded(replyingTo id: RequestID? = nil) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every field is a string, number, bool or array of those: encoding cannot fail.
        guard let data = try? encoder.encode(Envelope(message: self, id: id)) else {
            return #"{"code":"bad_request","message":"unencodable","type":"error"}"#
        }
        return String(decoding: data, as: UTF8.self)
    }

    private struct Envelope: Encodable {
        var message: ServerMessage
        var id: RequestID?

        enum Key: String, CodingKey {
            case type, id, requestId, sdp, track, trackId, participant, user, role, room, tracks,
                 participants, code, message, reason, `protocol`, viewerCount, guestCount, kind, muted, report,
                 speakers, spatial, temporal, width, height, availableBitrate
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(message.type, forKey: .type)
            try container.encodeIfPresent(id, forKey: .id)
            switch message {
            case .joined(let joined):
                try container.encode(SignalingProtocol.version, forKey: .protocol)
                try container.encode(joined.room, forKey: .room)
                try container.encode(joined.participant, forKey: .participant)
                try container.encode(joined.user, forKey: .user)
                try container.encode(joined.role, forKey: .role)
                try container.encode(joined.tracks.map(TrackPayload.init), forKey: .tracks)
                try container.encode(joined.participants, forKey: .participants)
            case .answer(let sdp), .offer(let sdp):
                try container.encode(sdp, forKey: .sdp)
            case .trackPublished(let track):
                try container.encode(TrackPayload(track), forKey: .track)
            case .trackUnpublished(let trackID):
                try container.encode(trackID, forKey: .trackId)
            case .participantJoined(let info), .participantLeft(let info):
                try container.encode(info, forKey: .participant)
            case .error(let code, let text):
                try container.encode(code, forKey: .code)
                try container.encode(text, forKey: .message)
                try container.encodeIfPresent(id, forKey: .requestId)
            case .closed(let reason):
                try container.encode(reason, forKey: .reason)
            case .connected, .pong:
                break
            case .roleChanged(let role):
                try container.encode(role, forKey: .role)
            case .activeSpeakers(let speakers):
                try container.encode(speakers, forKey: .speakers)
            case .videoLayer(let layer):
                try container.encode(layer.trackID, forKey: .trackId)
                try container.encode(layer.spatial, forKey: .spatial)
                try container.encode(layer.temporal, forKey: .temporal)
                try container.encodeIfPresent(layer.width, forKey: .width)
                try container.encodeIfPresent(layer.height, forKey: .height)
                try container.encodeIfPresent(layer.availableBitrate, forKey: .availableBitrate)
            case .videoPaused(let trackID), .videoResumed(let trackID):
                try container.encode(trackID, forKey: .trackId)
            case .roomEvent(let event):
                switch event {
                case .viewerJoined(let user, let count), .viewerLeft(let user, let count):
                    try container.encode(user, forKey: .user)
                    try container.encode(count, forKey: .viewerCount)
                case .guestJoined(let user, let count), .guestLeft(let user, let count):
                    try container.encode(user, forKey: .user)
                    try container.encode(count, forKey: .guestCount)
                case .guestInvited(let user):
                    try container.encode(user, forKey: .user)
                case .trackMuted(let user, let kind, let muted):
                    try container.encode(user, forKey: .user)
                    try container.encode(kind, forKey: .kind)
                    try container.encode(muted, forKey: .muted)
                case .sessionEnded(let reason, let report):
                    try container.encode(reason, forKey: .reason)
                    try container.encodeIfPresent(report, forKey: .report)
                }
            }
        }
    }

    /// A track as clients see it (camelCase `trackId`, like every other field).
    private struct TrackPayload: Encodable {
        var trackId: String
        var participant: String
        var kind: String
        var muted: Bool

        init(_ track: RoomTrackInfo) {
            trackId = track.trackID
            participant = track.participant
            kind = track.kind
            muted = track.muted
        }
    }
}
