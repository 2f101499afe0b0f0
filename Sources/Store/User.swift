import Foundation
import GRDB

/// A Chobi Live account as the API shows it. The password hash is deliberately not here (see
/// `UserCredentials`), so a `User` can be encoded into any response or log line.
public struct User: Sendable, Codable, Equatable, Hashable, Identifiable {
    public var id: UUID
    public var username: String
    public var displayName: String
    public var bio: String?
    public var avatarUrl: String?
    public var isPrivate: Bool
    public var createdAt: Date
    public var role: UserRole

    public init(id: UUID, username: String, displayName: String, bio: String? = nil, avatarUrl: String? = nil,
                isPrivate: Bool = false, createdAt: Date, role: UserRole = .user) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.bio = bio
        self.avatarUrl = avatarUrl
        self.isPrivate = isPrivate
        self.createdAt = createdAt
        self.role = role
    }
}

extension User: FetchableRecord, TableRecord {
    public static let databaseTableName = "users"
    /// Never the password hash: a `User` request cannot read it by accident.
    public static var databaseSelection: [any SQLSelectable] {
        [Column("id"), Column("username"), Column("display_name"), Column("bio"), Column("avatar_url"),
         Column("is_private"), Column("created_at"), Column("role")]
    }

    // Throwing decodes: a row of the wrong shape becomes an error, never a trap.
    public init(row: Row) throws {
        let role: String = try row.decode(forColumn: "role")
        guard let parsedRole = UserRole(rawValue: role) else { throw StoreError.corruptRow("users.role") }
        self.init(
            id: try UUID.stored(try row.decode(forColumn: "id"), column: "users.id"),
            username: try row.decode(forColumn: "username"),
            displayName: try row.decode(forColumn: "display_name"),
            bio: try row.decode(forColumn: "bio"),
            avatarUrl: try row.decode(forColumn: "avatar_url"),
            isPrivate: try row.decode(forColumn: "is_private"),
            createdAt: Date(millisecondsSince1970: try row.decode(forColumn: "created_at")),
            role: parsedRole)
    }
}
