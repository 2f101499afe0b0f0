/// The result of a join or leave: the visit it touched and the session's live counts after it
/// (for `viewer_joined` / `viewer_left` events).
public struct PresenceUpdate: Sendable, Codable, Equatable {
    /// The visit opened (or kept open, for a reconnect) by a join; the visit closed by a leave.
    public var visit: ParticipantVisit
    /// False when a join found the user already there in the same role (a reconnect): no new
    /// visit, no event to send, not counted twice.
    public var changed: Bool
    /// Open viewer visits now.
    public var viewerCount: Int
    /// Open guest visits now.
    public var guestCount: Int

    public init(visit: ParticipantVisit, changed: Bool, viewerCount: Int, guestCount: Int) {
        self.visit = visit
        self.changed = changed
        self.viewerCount = viewerCount
        self.guestCount = guestCount
    }
}
