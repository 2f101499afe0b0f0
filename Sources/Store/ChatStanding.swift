import Foundation

/// What the API needs to decide whether a user may post now, in one read: the store answers, the
/// API enforces (the host and moderators may be exempt from slow mode, for instance).
public struct ChatStanding: Sendable, Equatable {
    /// Appointed moderator of the session (the host is not listed; the API knows the host).
    public var isModerator: Bool
    /// When their mute ends; nil when not muted at `now`.
    public var mutedUntil: Date?
    /// The session's slow mode, 0 when off.
    public var slowModeSeconds: Int
    /// Their last text line in the session (deleted ones count: they were posted).
    public var lastMessageAt: Date?

    public init(isModerator: Bool, mutedUntil: Date?, slowModeSeconds: Int, lastMessageAt: Date?) {
        self.isModerator = isModerator
        self.mutedUntil = mutedUntil
        self.slowModeSeconds = slowModeSeconds
        self.lastMessageAt = lastMessageAt
    }
}
