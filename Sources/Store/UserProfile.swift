/// A user with their follow counts and, for a signed-in viewer, whether the viewer follows them
/// (what `users.getProfile` returns).
public struct UserProfile: Sendable, Codable, Equatable {
    public var user: User
    public var followers: Int
    public var following: Int
    /// Nil when the profile was read without a viewer, or by the user themselves.
    public var isFollowedByViewer: Bool?

    public init(user: User, followers: Int, following: Int, isFollowedByViewer: Bool?) {
        self.user = user
        self.followers = followers
        self.following = following
        self.isFollowedByViewer = isFollowedByViewer
    }
}
