import SFU

/// The two WebRTC-HTTP endpoints (the IETF "wish" working group's WHIP and WHEP): same shape,
/// different direction and rights.
public enum WISHEndpoint: String, Sendable, CaseIterable {
    /// WHIP (RFC 9725): the client publishes; hosts and guests only.
    case whip
    /// WHEP (draft-ietf-wish-whep): the client watches; any role.
    case whep

    /// First path segment: `/whip/{room}`, `/whep/{room}`.
    public var pathSegment: String { rawValue }

    var intent: PeerIntent {
        switch self {
        case .whip: .publish
        case .whep: .watch
        }
    }

    func admits(_ role: RoomRole) -> Bool {
        switch self {
        case .whip: role.canPublish
        case .whep: true
        }
    }
}
