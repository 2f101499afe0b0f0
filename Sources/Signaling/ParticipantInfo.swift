import SFU

/// One participant of a room as other participants see it. `participant` is a fresh id per
/// connection (a user may join twice, from two tabs); `user` is the token's subject.
public struct ParticipantInfo: Sendable, Equatable, Hashable, Codable {
    public var participant: String
    public var user: String
    public var role: RoomRole

    public init(participant: String, user: String, role: RoomRole) {
        self.participant = participant
        self.user = user
        self.role = role
    }
}
