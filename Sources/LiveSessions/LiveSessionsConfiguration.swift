/// Limits and lifetimes of the product procedures.
public struct LiveSessionsConfiguration: Sendable {
    /// How long a room token from createSession/joinSession/respondToInvite opens the room.
    public var roomTokenLifetime: Duration
    /// Guests on stage at once (the host not counted).
    public var maxGuests: Int
    /// Page size of getActiveSessions when the caller gives none.
    public var defaultPageSize: Int
    /// How long a live session waits for a host with no connection (closed tab, lost network,
    /// never connected) before it ends with reason `host_left`.
    public var hostAbsenceLimit: Duration
    /// How often the server records that it is alive (the error bound of a crashed session's end).
    public var heartbeatInterval: Duration

    public init(roomTokenLifetime: Duration = .seconds(4 * 3600), maxGuests: Int = 8, defaultPageSize: Int = 20,
                hostAbsenceLimit: Duration = .seconds(60), heartbeatInterval: Duration = .seconds(2)) {
        self.roomTokenLifetime = roomTokenLifetime
        self.maxGuests = max(0, maxGuests)
        self.defaultPageSize = max(1, defaultPageSize)
        self.hostAbsenceLimit = max(.zero, hostAbsenceLimit)
        self.heartbeatInterval = max(.milliseconds(100), heartbeatInterval)
    }
}
