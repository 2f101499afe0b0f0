import SFU

/// A user's presence in a room starting or ending: the first connection of a user with a role
/// arrived, or the last one went. The live-session recorder turns these into participant rows.
public struct PresenceChange: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case joined, left }

    public var room: String
    public var user: String
    public var role: RoomRole
    public var kind: Kind

    public init(room: String, user: String, role: RoomRole, kind: Kind) {
        self.room = room
        self.user = user
        self.role = role
        self.kind = kind
    }
}
