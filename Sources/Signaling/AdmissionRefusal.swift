/// Why the hub turns a member away even though the token verifies.
public enum AdmissionRefusal: Error, Sendable, Equatable {
    /// The host kicked this user from the session.
    case kicked
    /// The session is over; its tokens open nothing.
    case sessionEnded
    /// The host removed this guest; a guest token from before opens nothing until a new invite
    /// is accepted.
    case guestRevoked

    public var message: String {
        switch self {
        case .kicked: "you were removed from this session"
        case .sessionEnded: "the session has ended"
        case .guestRevoked: "you are no longer a guest of this session"
        }
    }
}
