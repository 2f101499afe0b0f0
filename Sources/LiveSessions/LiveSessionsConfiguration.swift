/// Limits and lifetimes of the product procedures.
public struct LiveSessionsConfiguration: Sendable {
    /// How long a room token from createSession/joinSession/respondToInvite opens the room.
    public var roomTokenLifetime: Duration
    /// Guests on stage at once (the host not counted).
    public var maxGuests: Int
    /// Page size of getActiveSessions when the caller gives none.
    public var defaultPageSize: Int

    public init(roomTokenLifetime: Duration = .seconds(4 * 3600), maxGuests: Int = 8, defaultPageSize: Int = 20) {
        self.roomTokenLifetime = roomTokenLifetime
        self.maxGuests = max(0, maxGuests)
        self.defaultPageSize = max(1, defaultPageSize)
    }
}
