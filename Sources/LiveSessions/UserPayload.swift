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

/// `users.getProfile`: the user and their follow counts.
struct ProfilePayload: Encodable, Sendable {
    var id: String
    var username: String
    var displayName: String
    var bio: String?
    var avatarUrl: String?
    var isPrivate: Bool
    var createdAt: String
    var followerCount: Int
    var followingCount: Int
    /// Whether the caller follows this user (absent when signed out).
    var isFollowing: Bool?

    init(_ profile: UserProfile) {
        let user = UserPayload(profile.user)
        id = user.id
        username = user.username
        displayName = user.displayName
        bio = user.bio
        avatarUrl = user.avatarUrl
        isPrivate = user.isPrivate
        createdAt = user.createdAt
        followerCount = profile.followers
        followingCount = profile.following
        isFollowing = profile.isFollowedByViewer
    }
}

/// `users.register` and `users.login`.
struct SignedInPayload: Encodable, Sendable {
    var user: UserPayload
    var token: String
}
