import Foundation
import Store

/// A video as the API shows it. File paths stay on the server: clients get URLs.
struct VideoPayload: Encodable, Sendable {
    struct Owner: Encodable, Sendable {
        var id: String
        var username: String
        var displayName: String
    }

    var id: String
    var owner: Owner
    var title: String
    var description: String
    var category: String?
    var tags: [String]
    var visibility: String
    var status: String
    var source: String
    var sessionId: String?
    var failure: String?
    var durationMs: Int64?
    var width: Int?
    var height: Int?
    var videoCodec: String?
    var audioCodec: String?
    var mimeType: String?
    var bytes: Int64
    var incomplete: Bool
    var viewCount: Int64
    var likeCount: Int64
    var commentCount: Int64
    var watchSeconds: Int64
    var fileUrl: String?
    var thumbnailUrl: String?
    var hlsUrl: String?
    var createdAt: String
    /// Whether the caller likes it (absent when signed out or in lists).
    var liked: Bool?

    init(_ video: Video, liked: Bool? = nil) {
        id = video.id.apiString
        owner = Owner(id: video.ownerId.apiString, username: video.ownerUsername, displayName: video.ownerDisplayName)
        title = video.title
        description = video.description
        category = video.category
        tags = video.tags
        visibility = video.visibility.rawValue
        status = video.status.rawValue
        source = video.source.rawValue
        sessionId = video.sessionId?.apiString
        failure = video.failure
        durationMs = video.durationMs
        width = video.width
        height = video.height
        videoCodec = video.videoCodec
        audioCodec = video.audioCodec
        mimeType = video.container.map { $0 == "mp4" ? "video/mp4" : "video/webm" }
        bytes = video.bytes
        incomplete = video.incomplete
        viewCount = video.viewCount
        likeCount = video.likeCount
        commentCount = video.commentCount
        watchSeconds = video.watchSeconds
        let ready = video.status == .ready
        fileUrl = ready ? "/videos/\(id)/file" : nil
        thumbnailUrl = ready && video.thumbnailPath != nil ? "/videos/\(id)/thumbnail" : nil
        hlsUrl = ready && video.hlsPath != nil ? "/videos/\(id)/hls/index.m3u8" : nil
        createdAt = JSONDate.string(video.createdAt)
        self.liked = liked
    }
}

struct VideoCommentPayload: Encodable, Sendable {
    var id: String
    var videoId: String
    var user: VideoPayload.Owner
    var body: String
    var createdAt: String

    init(_ comment: VideoComment) {
        id = String(comment.id)
        videoId = comment.videoId.apiString
        user = VideoPayload.Owner(id: comment.userId.apiString, username: comment.username, displayName: comment.displayName)
        body = comment.body
        createdAt = JSONDate.string(comment.createdAt)
    }
}
