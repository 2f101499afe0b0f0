import Foundation
import GRDB

/// One user's place on a leaderboard.
public struct LeaderboardEntry: Sendable, Codable, Equatable, Hashable {
    public var userId: UUID
    public var username: String
    public var displayName: String
    public var avatarUrl: String?
    /// Coins spent (gifters) or diamonds earned (earners).
    public var amount: Int64
    /// Gifts sent or received (a combo of 5 counts 5).
    public var gifts: Int

    public init(userId: UUID, username: String, displayName: String, avatarUrl: String?, amount: Int64, gifts: Int) {
        self.userId = userId
        self.username = username
        self.displayName = displayName
        self.avatarUrl = avatarUrl
        self.amount = amount
        self.gifts = gifts
    }
}

extension LeaderboardEntry: FetchableRecord {
    public init(row: Row) throws {
        self.init(
            userId: try UUID.stored(try row.decode(forColumn: "user_id"), column: "users.id"),
            username: try row.decode(forColumn: "username"),
            displayName: try row.decode(forColumn: "display_name"),
            avatarUrl: try row.decode(forColumn: "avatar_url"),
            amount: try row.decode(forColumn: "amount"),
            gifts: try row.decode(forColumn: "gifts"))
    }
}

/// Top gifters and top earners of a session or a time window (`gifts.leaderboard`).
public struct Leaderboard: Sendable, Codable, Equatable {
    /// By coins spent, most first.
    public var gifters: [LeaderboardEntry]
    /// By diamonds earned, most first.
    public var earners: [LeaderboardEntry]

    public init(gifters: [LeaderboardEntry], earners: [LeaderboardEntry]) {
        self.gifters = gifters
        self.earners = earners
    }
}
