/// The caller a verified user token names.
public struct AuthenticatedUser: Sendable, Hashable {
    /// The token's `sub`: the user's id in the store.
    public var id: String
    public var username: String

    public init(id: String, username: String) {
        self.id = id
        self.username = username
    }
}
