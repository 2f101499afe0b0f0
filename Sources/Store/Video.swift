import Foundation
import GRDB

/// Who may see a video: everyone, the owner's followers (and the owner), or the owner alone.
public enum VideoVisibility: String, Sendable, Codable, CaseIterable {
    case `public`, followers, `private`
}

/// Where a video is in its life: bytes arriving, being probed or finished, playable, or refused.
public enum VideoStatus: String, Sendable, Codable, CaseIterable {
    case uploading, processing, ready, failed
}

/// How the video came to be: uploaded by its owner, or recorded from a live session.
public enum VideoSource: String, Sendable, Codable, CaseIterable {
    case upload, recording
}

/// What the probe found in the stored file, written when a video becomes `ready`.
public struct VideoMedia: Sendable, Equatable {
    public var container: String
    public var videoCodec: String?
    public var audioCodec: String?
    public var durationMs: Int64
    public var width: Int?
    public var height: Int?
    public var bytes: Int64
    public var filePath: String
    public var thumbnailPath: String?
    public var hlsPath: String?
    /// A recording cut short (a crash): it plays up to its last whole cluster.
    public var incomplete: Bool

    public init(container: String, videoCodec: String?, audioCodec: String?, durationMs: Int64, width: Int?, height: Int?,
                bytes: Int64, filePath: String, thumbnailPath: String? = nil, hlsPath: String? = nil, incomplete: Bool = false) {
        self.container = container
        self.videoCodec = videoCodec
        self.audioCodec = audioCodec
        self.durationMs = durationMs
        self.width = width
        self.height = height
        self.bytes = bytes
        self.filePath = filePath
        self.thumbnailPath = thumbnailPath
        self.hlsPath = hlsPath
        self.incomplete = incomplete
    }
}

/// One video of the library, with its owner's names and its counters.
public struct Video: Sendable, Equatable {
    public var id: UUID
    public var ownerId: UUID
    public var ownerUsername: String
    public var ownerDisplayName: String
    public var title: String
    public var description: String
    public var category: String?
    public var tags: [String]
    public var visibility: VideoVisibility
    public var status: VideoStatus
    public var source: VideoSource
    public var sessionId: UUID?
    /// Why the video failed (shown to its owner).
    public var failure: String?
    public var container: String?
    public var videoCodec: String?
    public var audioCodec: String?
    public var durationMs: Int64?
    public var width: Int?
    public var height: Int?
    /// Bytes stored (while uploading: the acknowledged offset).
    public var bytes: Int64
    /// The total an upload announced (nil until its first chunk).
    public var expectedBytes: Int64?
    public var filePath: String?
    public var thumbnailPath: String?
    public var hlsPath: String?
    public var incomplete: Bool
    public var viewCount: Int64
    public var likeCount: Int64
    public var commentCount: Int64
    public var watchSeconds: Int64
    public var createdAt: Date
    public var updatedAt: Date
}

extension Video: FetchableRecord {
    public init(row: Row) throws {
        func parse<T: RawRepresentable>(_ column: String) throws -> T where T.RawValue == String {
            guard let value = T(rawValue: try row.decode(forColumn: column)) else { throw StoreError.corruptRow("videos.\(column)") }
            return value
        }
        let tagsJSON: String = try row.decode(forColumn: "tags")
        let tags = (try? JSONDecoder().decode([String].self, from: Data(tagsJSON.utf8))) ?? []
        let session: String? = try row.decode(forColumn: "session_id")
        self.init(
            id: try UUID.stored(try row.decode(forColumn: "id"), column: "videos.id"),
            ownerId: try UUID.stored(try row.decode(forColumn: "owner_id"), column: "videos.owner_id"),
            ownerUsername: try row.decode(forColumn: "owner_username"),
            ownerDisplayName: try row.decode(forColumn: "owner_display_name"),
            title: try row.decode(forColumn: "title"),
            description: try row.decode(forColumn: "description"),
            category: try row.decode(forColumn: "category"),
            tags: tags,
            visibility: try parse("visibility"),
            status: try parse("status"),
            source: try parse("source"),
            sessionId: try session.map { try UUID.stored($0, column: "videos.session_id") },
            failure: try row.decode(forColumn: "failure"),
            container: try row.decode(forColumn: "container"),
            videoCodec: try row.decode(forColumn: "video_codec"),
            audioCodec: try row.decode(forColumn: "audio_codec"),
            durationMs: try row.decode(forColumn: "duration_ms"),
            width: try row.decode(forColumn: "width"),
            height: try row.decode(forColumn: "height"),
            bytes: try row.decode(forColumn: "bytes"),
            expectedBytes: try row.decode(forColumn: "expected_bytes"),
            filePath: try row.decode(forColumn: "file_path"),
            thumbnailPath: try row.decode(forColumn: "thumbnail_path"),
            hlsPath: try row.decode(forColumn: "hls_path"),
            incomplete: try row.decode(forColumn: "incomplete"),
            viewCount: try row.decode(forColumn: "view_count"),
            likeCount: try row.decode(forColumn: "like_count"),
            commentCount: try row.decode(forColumn: "comment_count"),
            watchSeconds: try row.decode(forColumn: "watch_seconds"),
            createdAt: Date(millisecondsSince1970: try row.decode(forColumn: "created_at")),
            updatedAt: Date(millisecondsSince1970: try row.decode(forColumn: "updated_at")))
    }
}

/// A new video's row: an upload about to receive bytes, or a recording about to be written.
public struct VideoDraft: Sendable, Equatable {
    public var ownerId: UUID
    public var title: String
    public var description: String
    public var category: String?
    public var tags: [String]
    public var visibility: VideoVisibility
    public var source: VideoSource
    public var sessionId: UUID?

    public init(ownerId: UUID, title: String, description: String = "", category: String? = nil, tags: [String] = [],
                visibility: VideoVisibility = .public, source: VideoSource = .upload, sessionId: UUID? = nil) {
        self.ownerId = ownerId
        self.title = title
        self.description = description
        self.category = category
        self.tags = tags
        self.visibility = visibility
        self.source = source
        self.sessionId = sessionId
    }
}

/// One comment on a video, with its author's names.
public struct VideoComment: Sendable, Equatable {
    public var id: Int64
    public var videoId: UUID
    public var userId: UUID
    public var username: String
    public var displayName: String
    public var body: String
    public var createdAt: Date
}

extension VideoComment: FetchableRecord {
    public init(row: Row) throws {
        self.init(
            id: try row.decode(forColumn: "id"),
            videoId: try UUID.stored(try row.decode(forColumn: "video_id"), column: "video_comments.video_id"),
            userId: try UUID.stored(try row.decode(forColumn: "user_id"), column: "video_comments.user_id"),
            username: try row.decode(forColumn: "username"),
            displayName: try row.decode(forColumn: "display_name"),
            body: try row.decode(forColumn: "body"),
            createdAt: Date(millisecondsSince1970: try row.decode(forColumn: "created_at")))
    }
}

public struct VideoCommentPage: Sendable, Equatable {
    public var comments: [VideoComment]
    public var nextCursor: Int64?
}

/// Sort orders of `getVideos`.
public enum VideoSort: String, Sendable, CaseIterable {
    case recent, popular
}

/// Where a page of `getVideos` continues: after this video in the chosen order.
public struct VideoCursor: Sendable, Equatable {
    public var viewCount: Int64
    public var createdAtMs: Int64
    public var id: String

    public init(viewCount: Int64, createdAtMs: Int64, id: String) {
        self.viewCount = viewCount
        self.createdAtMs = createdAtMs
        self.id = id
    }

    /// Opaque to clients: `<views>_<ms>_<id>`.
    public var text: String { "\(viewCount)_\(createdAtMs)_\(id)" }

    public init?(text: String) {
        let parts = text.split(separator: "_", maxSplits: 2)
        guard parts.count == 3, let views = Int64(parts[0]), let ms = Int64(parts[1]),
              let id = UUID(uuidString: String(parts[2])) else { return nil }
        self.init(viewCount: views, createdAtMs: ms, id: id.storeKey)
    }
}

/// What `getVideos` asks for. `viewerId` decides which followers-only and private videos show.
public struct VideoQuery: Sendable, Equatable {
    public var viewerId: UUID?
    public var ownerId: UUID?
    public var category: String?
    /// The user's search text (made safe by `VideoSearchText`, never passed to FTS5 as is).
    public var search: String?
    public var sort: VideoSort
    public var cursor: VideoCursor?
    public var limit: Int

    public init(viewerId: UUID? = nil, ownerId: UUID? = nil, category: String? = nil, search: String? = nil,
                sort: VideoSort = .recent, cursor: VideoCursor? = nil, limit: Int = 20) {
        self.viewerId = viewerId
        self.ownerId = ownerId
        self.category = category
        self.search = search
        self.sort = sort
        self.cursor = cursor
        self.limit = limit
    }
}

public struct VideoPage: Sendable, Equatable {
    public var videos: [Video]
    public var nextCursor: VideoCursor?
}

/// A view as `recordView` counted it.
public struct ViewRecord: Sendable, Equatable {
    /// This call started a new view (the first from this viewer in the last hour).
    public var counted: Bool
    public var viewCount: Int64
    public var watchSeconds: Int64
}

/// A comment delete's outcome: done, or refused because the caller is neither its author nor the
/// video's owner.
public enum CommentDeletion: Sendable, Equatable {
    case deleted(commentCount: Int64)
    case forbidden
}
