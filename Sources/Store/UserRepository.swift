import Foundation
import GRDB

/// Accounts and follows (`users.*`).
public struct UserRepository: Sendable {
    let pool: DatabasePool

    /// Creates an account. The username is unique regardless of ASCII case.
    /// - Throws: `.usernameTaken` when another account has it.
    public func create(username: String, passwordHash: String, displayName: String, now: Date,
                       id: UUID = UUID()) async throws(StoreError) -> User {
        let user = User(id: id, username: username, displayName: displayName, createdAt: now.truncatedToMilliseconds)
        return try await pool.writeValue { db in
            // Checked first for a clear error; the UNIQUE constraint below still guards other writers.
            if try Self.userExists(db, username: username) { throw StoreError.usernameTaken(username) }
            do {
                try db.execute(
                    sql: """
                        INSERT INTO users (id, username, password_hash, display_name, is_private, created_at)
                        VALUES (?, ?, ?, ?, 0, ?)
                        """,
                    arguments: [user.id.storeKey, username, passwordHash, displayName,
                                user.createdAt.millisecondsSince1970])
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                throw StoreError.usernameTaken(username)
            }
            return user
        }
    }

    public func find(id: UUID) async throws(StoreError) -> User? {
        try await pool.readValue { db in try Self.user(db, id: id) }
    }

    /// Looks a user up by username, ignoring ASCII case.
    public func find(username: String) async throws(StoreError) -> User? {
        try await pool.readValue { db in
            try User.filter(Column("username") == username).fetchOne(db)
        }
    }

    /// The user and stored hash for a login attempt, or nil for an unknown username.
    public func credentials(username: String) async throws(StoreError) -> UserCredentials? {
        try await pool.readValue { db in
            let request = User.select(User.databaseSelection + [Column("password_hash")])
                .filter(Column("username") == username)
                .asRequest(of: Row.self)
            guard let row = try request.fetchOne(db) else { return nil }
            return UserCredentials(user: try User(row: row), passwordHash: try row.decode(forColumn: "password_hash"))
        }
    }

    /// Changes the given profile fields and returns the updated user.
    /// - Throws: `.userNotFound`.
    public func updateProfile(id: UUID, _ update: ProfileUpdate) async throws(StoreError) -> User {
        try await pool.writeValue { db in
            // One statement; COALESCE keeps a column whose new value is NULL (not given).
            try db.execute(
                sql: """
                    UPDATE users SET
                        display_name = COALESCE(?, display_name),
                        bio = CASE WHEN ? IS NULL THEN bio ELSE NULLIF(?, '') END,
                        avatar_url = CASE WHEN ? IS NULL THEN avatar_url ELSE NULLIF(?, '') END,
                        is_private = COALESCE(?, is_private)
                    WHERE id = ?
                    """,
                arguments: [update.displayName, update.bio, update.bio, update.avatarUrl, update.avatarUrl,
                            update.isPrivate, id.storeKey])
            guard db.changesCount > 0, let user = try Self.user(db, id: id) else { throw StoreError.userNotFound(id) }
            return user
        }
    }

    /// Gives the account named `username` (any ASCII case) `role`, e.g. for
    /// `chobi-server admin grant <username>`. Setting the role it has is not an error.
    /// - Throws: `.unknownUsername`.
    public func setRole(username: String, role: UserRole) async throws(StoreError) -> User {
        try await pool.writeValue { db in
            try db.execute(sql: "UPDATE users SET role = ? WHERE username = ?", arguments: [role.rawValue, username])
            guard db.changesCount > 0,
                  let user = try User.filter(Column("username") == username).fetchOne(db)
            else { throw StoreError.unknownUsername(username) }
            return user
        }
    }

    /// Makes `followerId` follow `followeeId`. Following twice is not an error.
    /// - Returns: true when the follow is new.
    /// - Throws: `.cannotFollowSelf`, `.userNotFound` (either user).
    @discardableResult
    public func follow(followerId: UUID, followeeId: UUID, now: Date) async throws(StoreError) -> Bool {
        guard followerId != followeeId else { throw .cannotFollowSelf }
        return try await pool.writeValue { db in
            for id in [followerId, followeeId] where try Self.user(db, id: id) == nil {
                throw StoreError.userNotFound(id)
            }
            try db.execute(
                sql: "INSERT OR IGNORE INTO follows (follower_id, followee_id, created_at) VALUES (?, ?, ?)",
                arguments: [followerId.storeKey, followeeId.storeKey, now.millisecondsSince1970])
            return db.changesCount > 0
        }
    }

    /// Removes a follow. Unfollowing someone not followed is not an error.
    /// - Returns: true when a follow was removed.
    @discardableResult
    public func unfollow(followerId: UUID, followeeId: UUID) async throws(StoreError) -> Bool {
        try await pool.writeValue { db in
            try db.execute(sql: "DELETE FROM follows WHERE follower_id = ? AND followee_id = ?",
                           arguments: [followerId.storeKey, followeeId.storeKey])
            return db.changesCount > 0
        }
    }

    public func isFollowing(followerId: UUID, followeeId: UUID) async throws(StoreError) -> Bool {
        try await pool.readValue { db in try Self.isFollowing(db, followerId: followerId, followeeId: followeeId) }
    }

    /// How many users follow `userId`, and how many it follows.
    public func followCounts(userId: UUID) async throws(StoreError) -> (followers: Int, following: Int) {
        let counts = try await pool.readValue { db in try Self.followCounts(db, userId: userId) }
        return (counts.0, counts.1)
    }

    /// The profile of `id` as `viewerId` sees it (`users.getProfile`), or nil for an unknown user.
    public func profile(id: UUID, viewerId: UUID?) async throws(StoreError) -> UserProfile? {
        try await pool.readValue { db in
            guard let user = try Self.user(db, id: id) else { return nil }
            let (followers, following) = try Self.followCounts(db, userId: id)
            var followed: Bool?
            if let viewerId, viewerId != id {
                followed = try Self.isFollowing(db, followerId: viewerId, followeeId: id)
            }
            return UserProfile(user: user, followers: followers, following: following, isFollowedByViewer: followed)
        }
    }

    /// Who follows `userId` (`.followers`) or whom it follows (`.following`), newest follow first:
    /// `limit` (1...100) entries after `cursor` (the previous page's `nextCursor`).
    public func follows(of userId: UUID, direction: FollowDirection, cursor: FollowCursor? = nil, limit: Int = 20)
        async throws(StoreError) -> FollowPage
    {
        let limit = min(max(limit, 1), 100)
        // follows_followers_by_time / follows_following_by_time: a keyset range, no sort.
        let (me, other) = direction == .followers ? ("followee_id", "follower_id") : ("follower_id", "followee_id")
        let sql = """
            SELECT u.*, f.created_at AS followed_at FROM follows f JOIN users u ON u.id = f.\(other)
            WHERE f.\(me) = :user AND (f.created_at < :at OR (f.created_at = :at AND f.\(other) < :id))
            ORDER BY f.created_at DESC, f.\(other) DESC LIMIT :limit
            """
        return try await pool.readValue { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: sql),
                arguments: ["user": userId.storeKey, "at": cursor?.followedAtMs ?? Int64.max, "id": cursor?.userId ?? "",
                            "limit": limit + 1])
            let entries = try rows.prefix(limit).map { row in
                FollowEntry(user: try User(row: row), followedAt: Date(millisecondsSince1970: row["followed_at"]))
            }
            var next: FollowCursor?
            if rows.count > limit, let last = entries.last {
                next = FollowCursor(followedAtMs: last.followedAt.millisecondsSince1970, userId: last.user.id.storeKey)
            }
            return FollowPage(entries: entries, nextCursor: next)
        }
    }

    /// Users whose username or display name starts with `query` (case-insensitive), then those
    /// whose display name contains it; at most `limit` (1...50), usernames A-Z within each group.
    public func search(_ query: String, limit: Int = 20) async throws(StoreError) -> [User] {
        let limit = min(max(limit, 1), 50)
        let trimmed = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return [] }
        // LIKE wildcards in the query are literal text.
        let escaped = trimmed.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
        return try await pool.readValue { db in
            try User.fetchAll(
                db.cachedStatement(sql: """
                    SELECT u.* FROM users u JOIN (
                        SELECT id, MIN(rank) AS rank FROM (
                            SELECT id, 0 AS rank FROM users
                            WHERE username LIKE :prefix ESCAPE '\\' OR display_name LIKE :prefix ESCAPE '\\'
                            UNION ALL
                            SELECT id, 1 AS rank FROM users WHERE display_name LIKE :contains ESCAPE '\\')
                        GROUP BY id
                    ) m ON m.id = u.id
                    ORDER BY m.rank, u.username COLLATE NOCASE LIMIT :limit
                    """),
                arguments: ["prefix": escaped + "%", "contains": "%" + escaped + "%", "limit": limit])
        }
    }

    // MARK: - Statements shared with other repositories

    static func user(_ db: Database, id: UUID) throws -> User? {
        // Cached: every authenticated call that names a user looks them up.
        try User.fetchOne(db.cachedStatement(sql: "SELECT * FROM users WHERE id = ?"), arguments: [id.storeKey])
    }

    /// The user's display name; nil when there is no such user.
    /// What a chat line shows of its author.
    struct Names: Sendable {
        let id: UUID
        let username: String
        let displayName: String
    }

    static func names(_ db: Database, id: UUID) throws -> Names? {
        guard let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT username, display_name FROM users WHERE id = ?"), arguments: [id.storeKey])
        else { return nil }
        return Names(id: id, username: try row.decode(forColumn: "username"),
                     displayName: try row.decode(forColumn: "display_name"))
    }

    static func displayName(_ db: Database, id: UUID) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT display_name FROM users WHERE id = ?"), arguments: [id.storeKey])
    }

    static func userExists(_ db: Database, username: String) throws -> Bool {
        try User.filter(Column("username") == username).isEmpty(db) == false
    }

    static func isFollowing(_ db: Database, followerId: UUID, followeeId: UUID) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM follows WHERE follower_id = ? AND followee_id = ?)"),
            arguments: [followerId.storeKey, followeeId.storeKey]) ?? false
    }

    static func followCounts(_ db: Database, userId: UUID) throws -> (Int, Int) {
        let followers = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM follows WHERE followee_id = ?",
                                         arguments: [userId.storeKey]) ?? 0
        let following = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM follows WHERE follower_id = ?",
                                         arguments: [userId.storeKey]) ?? 0
        return (followers, following)
    }
}
