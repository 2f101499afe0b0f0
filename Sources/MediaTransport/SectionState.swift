import SDP
import SFU

/// What one m= section of a peer session does, as agreed so far. The list of these, in m-line
/// order, is the session's negotiated state: every later offer (ours or the client's) must keep
/// the same sections in the same order, so the next description is built from it.
struct SectionState: Sendable, Equatable {
    enum Usage: Sendable, Equatable {
        /// The client publishes here; the room track it feeds (nil while simulcast or a
        /// renegotiation has not produced one yet).
        case receiving(TrackID?)
        /// We send a room track here.
        case sending(SendBinding)
        /// Negotiated, nothing flows (a track went away, or the client sends nothing).
        case idle
        /// The session's one data channel section: SCTP to the client's `a=sctp-port`.
        case dataChannel(remotePort: UInt16)
        /// Port 0 (a second data channel section, unsupported kinds, or refused).
        case rejected
    }

    var mid: String
    var kind: SDP.MediaKind
    /// The codecs agreed for the section (the client's payload types).
    var codecs: [Codec]
    var headerExtensions: [ExtensionMap]
    var usage: Usage

    var isRejected: Bool { usage == .rejected }

    /// The room track we send here, if any.
    var sentTrack: TrackID? {
        if case .sending(let binding) = usage { return binding.trackID }
        return nil
    }

    /// The room track the client feeds here, if any.
    var receivedTrack: TrackID? {
        if case .receiving(let track) = usage { return track }
        return nil
    }
}

/// A room track we send to a peer in one section: our stream identity (msid, SSRCs) and the
/// payload types the peer agreed to for it (nil until its answer says).
struct SendBinding: Sendable, Equatable {
    var trackID: TrackID
    var stream: OutgoingStream
    var payloadType: UInt8?
    var rtxPayloadType: UInt8?
}

/// A room track as a subscriber's negotiation sees it.
struct RoomTrackSnapshot: Sendable, Equatable {
    var id: TrackID
    var publisher: ParticipantID
    var kind: SFU.MediaKind
    var codec: CodecKind
    /// msid stream id (the publisher's participant name, as a token).
    var streamID: String
    /// msid track id, also the `RoomTrackInfo.trackID` signaling sees.
    var name: String

    var sdpKind: SDP.MediaKind { kind == .audio ? .audio : .video }
}

/// What the client publishes in one section, read from its offer and our answer.
struct PublishPlan: Sendable, Equatable {
    var mid: String
    var codec: CodecKind
    var payloadType: UInt8
    var clockRate: UInt32
    /// From a=ssrc; nil when the offer has none (learned from the first packet by MID or RID).
    var ssrc: UInt32?
    var rtxSSRC: UInt32?
    var rtxPayloadType: UInt8?
    /// The simulcast layer forwarded, when the section is simulcast.
    var rid: String?
    var keyframeRequestMethod: TrackDescriptor.KeyframeRequestMethod
    var acceptsNACK: Bool
    /// Further simulcast layers of the same section, published as layers of this one's track.
    var moreLayers: [PublishPlan] = []
}

/// Simulcast as we take it: up to three encodings per section (RFC 8853 allows more; browsers
/// send at most three, and every layer costs a packet cache).
enum SimulcastLimits {
    static let maxLayers = 3
}

extension CodecKind {
    /// The SFU codec for an SDP codec name, nil for codecs the forwarder does not know.
    init?(codec: Codec) {
        if codec.hasName("opus") { self = .opus }
        else if codec.hasName("VP8") { self = .vp8 }
        else if codec.hasName("H264") { self = .h264 }
        else { return nil }
    }

    /// Our capability for the codec (used to match a viewer's offered codecs).
    var capability: CodecCapability {
        switch self {
        case .opus: .opus
        case .vp8: .vp8
        case .h264: .h264
        }
    }
}
