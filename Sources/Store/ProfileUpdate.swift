/// Profile fields to change; `nil` leaves a field as it is. An empty `bio` or `avatarUrl` clears it.
public struct ProfileUpdate: Sendable, Codable, Equatable {
    public var displayName: String?
    public var bio: String?
    public var avatarUrl: String?
    public var isPrivate: Bool?

    public init(displayName: String? = nil, bio: String? = nil, avatarUrl: String? = nil, isPrivate: Bool? = nil) {
        self.displayName = displayName
        self.bio = bio
        self.avatarUrl = avatarUrl
        self.isPrivate = isPrivate
    }
}
