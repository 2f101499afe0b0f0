import Foundation
import GRDB

// Likes, comments and views. Each counter moves in the transaction that writes the row it counts,
// and only when that row actually changed (a second like, a second delete, a view within the
// hour change nothing), so counts equal their rows under any interleaving of clients.
extension VideoRepository {
    public static let maxCommentPage = 100
    /// A view counts once per viewer per video per this long (`recordView` adds watch time within).
    public static let viewWindowMs: Int64 = 3_600_000
    /// Watch time one `recordView` call may add at most (a client's report, not trusted further).
    public static let maxWatchedSecondsPerCall: Int64 = 6 * 3600

    /// Likes the video once for this user. - Returns: the like count afterwards.
    public func like(videoId: UUID, userId: UUID, now: Date) async throws(StoreError) -> Int64 {
        try await pool.writeValue { db in
            try Self.requireVideo(db, videoId)
            try db.execute(sql: """
                INSERT INTO video_likes (video_id, user_id, created_at) VALUES (?, ?, ?)
                ON CONFLICT (video_id, user_id) DO NOTHING
                """, arguments: [videoId.storeKey, userId.storeKey, now.millisecondsSince1970])
            if db.changesCount == 1 {
                try db.execute(sql: "UPDATE videos SET like_count = like_count + 1 WHERE id = ?", arguments: [videoId.storeKey])
            }
            return try Self.counter(db, "like_count", videoId)
        }
    }

    /// Takes the user's like back (nothing when there was none). - Returns: the like count afterwards.
    public func unlike(videoId: UUID, userId: UUID) async throws(StoreError) -> Int64 {
        try await pool.writeValue { db in
            try Self.requireVideo(db, videoId)
            try db.execute(sql: "DELETE FROM video_likes WHERE video_id = ? AND user_id = ?",
                           arguments: [videoId.storeKey, userId.storeKey])
            if db.changesCount == 1 {
                try db.execute(sql: "UPDATE videos SET like_count = like_count - 1 WHERE id = ?", arguments: [videoId.storeKey])
            }
            return try Self.counter(db, "like_count", videoId)
        }
    }

    public func hasLiked(videoId: UUID, userId: UUID) async throws(StoreError) -> Bool {
        try await pool.readValue { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM video_likes WHERE video_id = ? AND user_id = ?)",
                              arguments: [videoId.storeKey, userId.storeKey]) ?? false
        }
    }

    public func addComment(videoId: UUID, userId: UUID, body: String, now: Date) async throws(StoreError) -> VideoComment {
        try await pool.writeValue { db in
            try Self.requireVideo(db, videoId)
            try db.execute(sql: "INSERT INTO video_comments (video_id, user_id, body, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [videoId.storeKey, userId.storeKey, body, now.millisecondsSince1970])
            let id = db.lastInsertedRowID
            try db.execute(sql: "UPDATE videos SET comment_count = comment_count + 1 WHERE id = ?", arguments: [videoId.storeKey])
            guard let comment = try VideoComment.fetchOne(db, sql: Self.commentSelect + " WHERE c.id = ?", arguments: [id]) else {
                throw StoreError.commentNotFound(id)
            }
            return comment
        }
    }

    /// The video's comments, newest first: `limit` older than `cursor` (a comment id).
    public func comments(videoId: UUID, cursor: Int64?, limit: Int) async throws(StoreError) -> VideoCommentPage {
        let limit = min(max(limit, 1), Self.maxCommentPage)
        return try await pool.readValue { db in
            var rows = try VideoComment.fetchAll(db, sql: Self.commentSelect + """
                 WHERE c.video_id = ? AND c.deleted_at IS NULL AND c.id < ? ORDER BY c.id DESC LIMIT ?
                """, arguments: [videoId.storeKey, cursor ?? Int64.max, limit + 1])
            var next: Int64?
            if rows.count > limit {
                rows.removeLast(rows.count - limit)
                next = rows.last?.id
            }
            return VideoCommentPage(comments: rows, nextCursor: next)
        }
    }

    /// Soft-deletes the comment when `requesterId` wrote it or owns the video.
    public func deleteComment(videoId: UUID, commentId: Int64, requesterId: UUID, now: Date) async throws(StoreError) -> CommentDeletion {
        try await pool.writeValue { db in
            let owner = try Self.requireVideo(db, videoId)
            guard let author = try String.fetchOne(db, sql: """
                SELECT user_id FROM video_comments WHERE id = ? AND video_id = ? AND deleted_at IS NULL
                """, arguments: [commentId, videoId.storeKey]) else {
                throw StoreError.commentNotFound(commentId)
            }
            guard author == requesterId.storeKey || owner == requesterId.storeKey else { return .forbidden }
            try db.execute(sql: "UPDATE video_comments SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
                           arguments: [now.millisecondsSince1970, commentId])
            if db.changesCount == 1 {
                try db.execute(sql: "UPDATE videos SET comment_count = comment_count - 1 WHERE id = ?",
                               arguments: [videoId.storeKey])
            }
            return .deleted(commentCount: try Self.counter(db, "comment_count", videoId))
        }
    }

    /// Adds `watchedSeconds` to the viewer's view of the last hour, or starts (and counts) a new
    /// one. `viewer` is `u:<user id>` or `a:<address hash>`.
    public func recordView(videoId: UUID, viewer: String, watchedSeconds: Int64, now: Date) async throws(StoreError) -> ViewRecord {
        let ms = now.millisecondsSince1970
        let seconds = min(max(watchedSeconds, 0), Self.maxWatchedSecondsPerCall)
        return try await pool.writeValue { db in
            try Self.requireVideo(db, videoId)
            let open = try Int64.fetchOne(db, sql: """
                SELECT max(counted_at) FROM video_views WHERE video_id = ? AND viewer = ? AND counted_at > ?
                """, arguments: [videoId.storeKey, viewer, ms - Self.viewWindowMs])
            if let open {
                try db.execute(sql: """
                    UPDATE video_views SET watched_seconds = watched_seconds + ?
                    WHERE video_id = ? AND viewer = ? AND counted_at = ?
                    """, arguments: [seconds, videoId.storeKey, viewer, open])
                try db.execute(sql: "UPDATE videos SET watch_seconds = watch_seconds + ? WHERE id = ?",
                               arguments: [seconds, videoId.storeKey])
            } else {
                try db.execute(sql: """
                    INSERT INTO video_views (video_id, viewer, counted_at, watched_seconds) VALUES (?, ?, ?, ?)
                    """, arguments: [videoId.storeKey, viewer, ms, seconds])
                try db.execute(sql: """
                    UPDATE videos SET view_count = view_count + 1, watch_seconds = watch_seconds + ? WHERE id = ?
                    """, arguments: [seconds, videoId.storeKey])
            }
            let row = try Row.fetchOne(db, sql: "SELECT view_count, watch_seconds FROM videos WHERE id = ?",
                                       arguments: [videoId.storeKey])
            return ViewRecord(counted: open == nil, viewCount: row?["view_count"] ?? 0, watchSeconds: row?["watch_seconds"] ?? 0)
        }
    }

    /// Counts recomputed from the rows (audits and tests compare them with the stored counters).
    public func recount(videoId: UUID) async throws(StoreError) -> (likes: Int64, comments: Int64, views: Int64) {
        try await pool.readValue { db in
            let key = videoId.storeKey
            let likes = try Int64.fetchOne(db, sql: "SELECT count(*) FROM video_likes WHERE video_id = ?", arguments: [key]) ?? 0
            let comments = try Int64.fetchOne(db, sql: "SELECT count(*) FROM video_comments WHERE video_id = ? AND deleted_at IS NULL",
                                              arguments: [key]) ?? 0
            let views = try Int64.fetchOne(db, sql: "SELECT count(*) FROM video_views WHERE video_id = ?", arguments: [key]) ?? 0
            return (likes, comments, views)
        }
    }

    static let commentSelect = """
        SELECT c.*, u.username AS username, u.display_name AS display_name
        FROM video_comments c JOIN users u ON u.id = c.user_id
        """

    /// The video's owner id; throws when there is no such video.
    @discardableResult
    static func requireVideo(_ db: Database, _ id: UUID) throws -> String {
        guard let owner = try String.fetchOne(db.cachedStatement(sql: "SELECT owner_id FROM videos WHERE id = ?"),
                                              arguments: [id.storeKey]) else {
            throw StoreError.videoNotFound(id)
        }
        return owner
    }

    static func counter(_ db: Database, _ column: String, _ id: UUID) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT \(column) FROM videos WHERE id = ?", arguments: [id.storeKey]) ?? 0
    }
}
