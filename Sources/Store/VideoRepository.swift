import Foundation
import GRDB

/// The video library (`videos.*`): rows from announcement to deletion, the listing with search
/// and visibility, and the status changes an upload or a recording goes through. Engagement
/// (likes, comments, views) is in `VideoRepository+Engagement.swift`.
/// It does not touch files: callers create and remove them around these calls.
public struct VideoRepository: Sendable {
    let pool: DatabasePool

    public static let maxPageSize = 50

    /// The video row with its owner's names, as every read returns it.
    static let select = """
        SELECT v.*, u.username AS owner_username, u.display_name AS owner_display_name
        FROM videos v JOIN users u ON u.id = v.owner_id
        """

    /// Stores a new video (`uploading` for an upload, `processing` for a recording).
    public func create(_ draft: VideoDraft, id: UUID = UUID(), now: Date) async throws(StoreError) -> Video {
        let ms = now.millisecondsSince1970
        let tags = String(decoding: (try? JSONEncoder().encode(draft.tags)) ?? Data("[]".utf8), as: UTF8.self)
        return try await pool.writeValue { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM users WHERE id = ?)",
                                    arguments: [draft.ownerId.storeKey]) == true else {
                throw StoreError.userNotFound(draft.ownerId)
            }
            if let category = draft.category,
               try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM video_categories WHERE id = ?)", arguments: [category]) != true {
                throw StoreError.invalidInput("category: unknown category \"\(category.prefix(40))\"")
            }
            try db.execute(sql: """
                INSERT INTO videos (id, owner_id, title, description, category, tags, visibility, status, source,
                                    session_id, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id.storeKey, draft.ownerId.storeKey, draft.title, draft.description, draft.category, tags,
                                 draft.visibility.rawValue, draft.source == .upload ? "uploading" : "processing",
                                 draft.source.rawValue, draft.sessionId?.storeKey, ms, ms])
            return try Self.fetch(db, id: id)
        }
    }

    public func find(id: UUID) async throws(StoreError) -> Video? {
        try await pool.readValue { db in try Video.fetchOne(db, sql: Self.select + " WHERE v.id = ?", arguments: [id.storeKey]) }
    }

    /// Whether `viewerId` may see `video` (the rule `getVideos` applies in SQL, for one video).
    public func canSee(_ video: Video, viewerId: UUID?) async throws(StoreError) -> Bool {
        switch VideoAccess.decide(visibility: video.visibility, ownerId: video.ownerId, viewerId: viewerId) {
        case .allowed: return true
        case .denied: return false
        case .ifFollower(let viewer):
            return try await pool.readValue { db in
                try UserRepository.isFollowing(db, followerId: viewer, followeeId: video.ownerId)
            }
        }
    }

    /// An upload's progress: `bytes` are on disk and synced. The first call fixes the total.
    public func recordUpload(id: UUID, bytes: Int64, expectedBytes: Int64, now: Date) async throws(StoreError) {
        try await pool.writeValue { db in
            try db.execute(sql: """
                UPDATE videos SET bytes = ?, expected_bytes = ?, updated_at = ?
                WHERE id = ? AND status = 'uploading'
                """, arguments: [bytes, expectedBytes, now.millisecondsSince1970, id.storeKey])
            guard db.changesCount == 1 else { throw StoreError.videoNotFound(id) }
        }
    }

    /// The file is complete and being probed.
    public func markProcessing(id: UUID, filePath: String, now: Date) async throws(StoreError) {
        try await pool.writeValue { db in
            try db.execute(sql: "UPDATE videos SET status = 'processing', file_path = ?, updated_at = ? WHERE id = ?",
                           arguments: [filePath, now.millisecondsSince1970, id.storeKey])
            guard db.changesCount == 1 else { throw StoreError.videoNotFound(id) }
        }
    }

    /// The probe accepted the file: the video is playable.
    public func markReady(id: UUID, media: VideoMedia, now: Date) async throws(StoreError) -> Video {
        try await pool.writeValue { db in
            try db.execute(sql: """
                UPDATE videos SET status = 'ready', failure = NULL, container = ?, video_codec = ?, audio_codec = ?,
                    duration_ms = ?, width = ?, height = ?, bytes = ?, file_path = ?, thumbnail_path = ?, hls_path = ?,
                    incomplete = ?, updated_at = ?
                WHERE id = ?
                """, arguments: [media.container, media.videoCodec, media.audioCodec, media.durationMs, media.width,
                                 media.height, media.bytes, media.filePath, media.thumbnailPath, media.hlsPath,
                                 media.incomplete, now.millisecondsSince1970, id.storeKey])
            guard db.changesCount == 1 else { throw StoreError.videoNotFound(id) }
            return try Self.fetch(db, id: id)
        }
    }

    /// The file was refused (the reason is kept for the owner) and its files removed by the caller.
    public func markFailed(id: UUID, reason: String, now: Date) async throws(StoreError) {
        try await pool.writeValue { db in
            try db.execute(sql: """
                UPDATE videos SET status = 'failed', failure = ?, file_path = NULL, thumbnail_path = NULL,
                    hls_path = NULL, bytes = 0, updated_at = ?
                WHERE id = ?
                """, arguments: [String(reason.prefix(500)), now.millisecondsSince1970, id.storeKey])
            guard db.changesCount == 1 else { throw StoreError.videoNotFound(id) }
        }
    }

    /// Removes the video with its likes, comments and views. Returns the row as it was, so the
    /// caller can remove its files.
    public func delete(id: UUID) async throws(StoreError) -> Video {
        try await pool.writeValue { db in
            let video = try Self.fetch(db, id: id)
            try db.execute(sql: "DELETE FROM videos WHERE id = ?", arguments: [id.storeKey])
            return video
        }
    }

    public func categories() async throws(StoreError) -> [VideoCategory] {
        try await pool.readValue { db in
            try Row.fetchAll(db, sql: "SELECT id, name FROM video_categories ORDER BY sort_order").map {
                VideoCategory(id: $0["id"], name: $0["name"])
            }
        }
    }

    /// A page of the library: `ready` videos the viewer may see (an owner listing their own sees
    /// every status), filtered by owner, category and search words, in the chosen order.
    public func page(_ query: VideoQuery) async throws(StoreError) -> VideoPage {
        let limit = min(max(query.limit, 1), Self.maxPageSize)
        var conditions: [String] = []
        var arguments: [String: (any DatabaseValueConvertible)?] = ["viewer": query.viewerId?.storeKey]
        if let owner = query.ownerId {
            conditions.append("v.owner_id = :owner")
            arguments["owner"] = owner.storeKey
        }
        if query.ownerId == nil || query.ownerId != query.viewerId {
            conditions.append("v.status = 'ready'")
        }
        conditions.append("""
            (v.visibility = 'public' OR v.owner_id = :viewer
             OR (v.visibility = 'followers' AND EXISTS (
                 SELECT 1 FROM follows f WHERE f.follower_id = :viewer AND f.followee_id = v.owner_id)))
            """)
        if let category = query.category {
            conditions.append("v.category = :category")
            arguments["category"] = category
        }
        if let text = query.search {
            guard let match = VideoSearchText.matchExpression(text) else { return VideoPage(videos: [], nextCursor: nil) }
            conditions.append("v.seq IN (SELECT rowid FROM videos_fts WHERE videos_fts MATCH :match)")
            arguments["match"] = match
        }
        let order: String
        switch query.sort {
        case .recent:
            order = "v.created_at DESC, v.id DESC"
            if let cursor = query.cursor {
                conditions.append("(v.created_at < :ms OR (v.created_at = :ms AND v.id < :id))")
                arguments["ms"] = cursor.createdAtMs
                arguments["id"] = cursor.id
            }
        case .popular:
            order = "v.view_count DESC, v.created_at DESC, v.id DESC"
            if let cursor = query.cursor {
                conditions.append("""
                    (v.view_count < :views OR (v.view_count = :views AND
                     (v.created_at < :ms OR (v.created_at = :ms AND v.id < :id))))
                    """)
                arguments["views"] = cursor.viewCount
                arguments["ms"] = cursor.createdAtMs
                arguments["id"] = cursor.id
            }
        }
        arguments["limit"] = limit + 1
        let sql = Self.select + " WHERE " + conditions.joined(separator: " AND ") + " ORDER BY " + order + " LIMIT :limit"
        let bound = StatementArguments(arguments.mapValues { $0?.databaseValue ?? .null })
        return try await pool.readValue { db in
            var videos = try Video.fetchAll(db, sql: sql, arguments: bound)
            var next: VideoCursor?
            if videos.count > limit {
                videos.removeLast(videos.count - limit)
                if let last = videos.last {
                    next = VideoCursor(viewCount: last.viewCount, createdAtMs: last.createdAt.millisecondsSince1970,
                                       id: last.id.storeKey)
                }
            }
            return VideoPage(videos: videos, nextCursor: next)
        }
    }

    /// Videos left `uploading` since before `before` (abandoned uploads, for a sweeper).
    public func abandonedUploads(before: Date) async throws(StoreError) -> [Video] {
        try await pool.readValue { db in
            try Video.fetchAll(db, sql: Self.select + " WHERE v.status = 'uploading' AND v.updated_at < ?",
                               arguments: [before.millisecondsSince1970])
        }
    }

    /// Recordings still `processing`: at startup, the ones a crash cut short.
    public func unfinishedRecordings() async throws(StoreError) -> [Video] {
        try await pool.readValue { db in
            try Video.fetchAll(db, sql: Self.select + " WHERE v.status = 'processing' AND v.source = 'recording'")
        }
    }

    /// The HLS rendition made after the video became ready (nil: none, or removed).
    public func setHLSPath(id: UUID, path: String?, now: Date) async throws(StoreError) {
        try await pool.writeValue { db in
            try db.execute(sql: "UPDATE videos SET hls_path = ?, updated_at = ? WHERE id = ?",
                           arguments: [path, now.millisecondsSince1970, id.storeKey])
            guard db.changesCount == 1 else { throw StoreError.videoNotFound(id) }
        }
    }

    static func fetch(_ db: Database, id: UUID) throws -> Video {
        guard let video = try Video.fetchOne(db, sql: select + " WHERE v.id = ?", arguments: [id.storeKey]) else {
            throw StoreError.videoNotFound(id)
        }
        return video
    }
}
