/// What happens in a live session, told to every member of the room on the signaling socket
/// (docs/signaling.md, "Room events"). Counts are distinct users, so a user with two tabs or a
/// reconnecting client is counted once.
public enum LiveSessionEvent: Sendable, Equatable {
    case viewerJoined(user: String, viewerCount: Int)
    case viewerLeft(user: String, viewerCount: Int)
    case guestInvited(user: String)
    case guestJoined(user: String, guestCount: Int)
    case guestLeft(user: String, guestCount: Int)
    case trackMuted(user: String, kind: String, muted: Bool)
    case sessionEnded(reason: String, report: SessionEndReport?)

    /// The message `type` on the wire.
    public var type: String {
        switch self {
        case .viewerJoined: "viewer_joined"
        case .viewerLeft: "viewer_left"
        case .guestInvited: "guest_invited"
        case .guestJoined: "guest_joined"
        case .guestLeft: "guest_left"
        case .trackMuted: "track_muted"
        case .sessionEnded: "session_ended"
        }
    }
}

/// The end-of-session report as clients receive it with `session_ended`.
public struct SessionEndReport: Sendable, Equatable, Codable {
    public var durationSeconds: Double
    public var peakViewers: Int
    public var uniqueViewers: Int
    public var totalWatchSeconds: Double
    public var averageWatchSeconds: Double
    public var guests: Int
    public var messages: Int
    public var gifts: Int

    public init(durationSeconds: Double, peakViewers: Int, uniqueViewers: Int, totalWatchSeconds: Double,
                averageWatchSeconds: Double, guests: Int, messages: Int, gifts: Int) {
        self.durationSeconds = durationSeconds
        self.peakViewers = peakViewers
        self.uniqueViewers = uniqueViewers
        self.totalWatchSeconds = totalWatchSeconds
        self.averageWatchSeconds = averageWatchSeconds
        self.guests = guests
        self.messages = messages
        self.gifts = gifts
    }
}
