/// A user's way into a live session: the session and the role they would join with.
public struct Admission: Sendable, Codable, Equatable {
    public var session: StreamingSession
    /// `.host` for the host, `.guest` for a user whose invite is accepted, `.viewer` otherwise.
    public var role: ParticipantRole

    public init(session: StreamingSession, role: ParticipantRole) {
        self.session = session
        self.role = role
    }
}
