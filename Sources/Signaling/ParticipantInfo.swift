import SFU

/// One participant of a room as other participants see it. `participant` is a fresh id per
/// connection (a user may join twice, from two tabs); `user` is the token's subject and `name`
/// its display name, when the token carries one (so clients need no lookup per participant).
public struct ParticipantInfo: Sendable, Equatable, Hashable, Codable {
    public var participant: String
    public var user: String
    public var role: RoomRole
    public var name: String?

    public init(participant: String, user: String, role: RoomRole, name: String? = nil) {
        self.participant = participant
        self.user = user
        self.role = role
        self.name = name
    }
}
