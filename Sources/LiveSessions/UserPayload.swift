import Store

/// A user as the API shows it.
struct UserPayload: Encodable, Sendable {
    var id: String
    var username: String
    var displayName: String
    var bio: String?
    var avatarUrl: String?
    var isPrivate: Bool
    var createdAt: String

    init(_ user: User) {
        id = user.id.apiString
        username = user.username
        displayName = user.displayName
        bio = user.bio
        avatarUrl = user.avatarUrl
        isPrivate = user.isPrivate
        createdAt = JSONDate.string(user.createdAt)
    }
}

/// `users.getProfile`: the user's fields and, beside them, their follow counts.
struct ProfilePayload: Encodable, Sendable {
    var user: UserPayload
    var followerCount: Int
    var followingCount: Int
    /// Whether the caller follows this user (absent when signed out).
    var isFollowing: Bool?

    init(_ profile: UserProfile) {
        user = UserPayload(profile.user)
        followerCount = profile.followers
        followingCount = profile.following
        isFollowing = profile.isFollowedByViewer
    }

    private enum Key: String, CodingKey { case followerCount, followingCount, isFollowing }

    /// One flat object: the user's keys and the counts side by side.
    func encode(to encoder: any Encoder) throws {
        try user.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(followerCount, forKey: .followerCount)
        try container.encode(followingCount, forKey: .followingCount)
        try container.encodeIfPresent(isFollowing, forKey: .isFollowing)
    }
}

/// `users.register` and `users.login`.
struct SignedInPayload: Encodable, Sendable {
    var user: UserPayload
    var token: String
}
