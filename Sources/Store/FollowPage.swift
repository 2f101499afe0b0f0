import Foundation

public enum FollowDirection: Sendable {
    /// Users who follow the subject.
    case followers
    /// Users the subject follows.
    case following
}

/// Where a follow list continues: the last entry's follow time and user id.
public struct FollowCursor: Sendable, Equatable {
    public var followedAtMs: Int64
    public var userId: String

    public init(followedAtMs: Int64, userId: String) {
        self.followedAtMs = followedAtMs
        self.userId = userId
    }
}

public struct FollowEntry: Sendable, Equatable {
    public var user: User
    public var followedAt: Date
}

public struct FollowPage: Sendable, Equatable {
    public var entries: [FollowEntry]
    public var nextCursor: FollowCursor?
}
