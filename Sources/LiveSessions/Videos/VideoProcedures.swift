import API
import Crypto
import Foundation
import Store

/// The `videos.*` procedures: announcing an upload, the library (list, search, one video),
/// likes, comments, views, deletion and categories. Every procedure names its video `videoId`.
/// The bytes themselves go to `UploadRoute`; playback is `PlaybackRoute`.
public struct VideoProcedures: Sendable {
    let library: VideoLibrary

    public init(library: VideoLibrary) {
        self.library = library
    }

    struct UploadInput: Decodable, Sendable {
        var title: String
        var description: String?
        var category: String?
        var tags: [String]?
        var visibility: String?
    }

    struct Upload: Encodable, Sendable {
        var videoId: String
        var uploadUrl: String
        var maxBytes: Int64
        var video: VideoPayload
    }

    struct ListInput: Decodable, Sendable {
        var cursor: String?
        var limit: Int?
        var category: String?
        var query: String?
        var userId: String?
        var sort: String?
    }

    struct List: Encodable, Sendable {
        var videos: [VideoPayload]
        var nextCursor: String?
    }

    struct VideoInput: Decodable, Sendable {
        var videoId: String
    }

    struct One: Encodable, Sendable {
        var video: VideoPayload
    }

    struct Likes: Encodable, Sendable {
        var videoId: String
        var likeCount: Int64
        var liked: Bool
    }

    struct CommentInput: Decodable, Sendable {
        var videoId: String
        var body: String
    }

    struct CommentsInput: Decodable, Sendable {
        var videoId: String
        var cursor: String?
        var limit: Int?
    }

    struct Comments: Encodable, Sendable {
        var comments: [VideoCommentPayload]
        var nextCursor: String?
        var commentCount: Int64
    }

    struct Added: Encodable, Sendable {
        var comment: VideoCommentPayload
    }

    struct DeleteCommentInput: Decodable, Sendable {
        var videoId: String
        var commentId: String
    }

    struct Deleted: Encodable, Sendable {
        var videoId: String
        var deleted: Bool
        var commentCount: Int64?
    }

    struct ViewInput: Decodable, Sendable {
        var videoId: String
        var watchedSeconds: Double
    }

    struct View: Encodable, Sendable {
        var videoId: String
        var counted: Bool
        var viewCount: Int64
        var watchSeconds: Int64
    }

    struct Categories: Encodable, Sendable {
        var categories: [VideoCategory]
    }

    struct Empty: Decodable, Sendable {}

    public func register(on router: inout TRPCRouter) {
        let store = library.store
        router.mutation("videos.uploadVideo", access: .user) { (input: UploadInput, context) in
            let me = try Identifier.caller(context)
            let draft = try Self.draft(input, ownerId: me)
            let video = try await store.videos.create(draft, now: library.now())
            return Upload(videoId: video.id.apiString, uploadUrl: "/uploads/\(video.id.apiString)",
                          maxBytes: library.maxUploadBytes, video: VideoPayload(video))
        }
        router.query("videos.getVideos") { (input: ListInput?, context) in
            try await list(input ?? ListInput(), viewer: Self.viewer(context))
        }
        router.query("videos.getVideo") { (input: VideoInput, context) in
            let viewer = Self.viewer(context)
            let video = try await visible(input.videoId, viewer: viewer, needsReady: false)
            let liked = try await viewer.asyncMap { try await store.videos.hasLiked(videoId: video.id, userId: $0) }
            return One(video: VideoPayload(video, liked: liked))
        }
        router.mutation("videos.like", access: .user) { (input: VideoInput, context) in
            let me = try Identifier.caller(context)
            let video = try await visible(input.videoId, viewer: me, needsReady: true)
            let count = try await store.videos.like(videoId: video.id, userId: me, now: library.now())
            return Likes(videoId: video.id.apiString, likeCount: count, liked: true)
        }
        router.mutation("videos.unlike", access: .user) { (input: VideoInput, context) in
            let me = try Identifier.caller(context)
            let video = try await visible(input.videoId, viewer: me, needsReady: true)
            return Likes(videoId: video.id.apiString, likeCount: try await store.videos.unlike(videoId: video.id, userId: me),
                         liked: false)
        }
        router.mutation("videos.addComment", access: .user) { (input: CommentInput, context) in
            let me = try Identifier.caller(context)
            let body = input.body.trimmingCharacters(in: .whitespacesAndNewlines)
            try InputValidation.nonEmpty(body, field: "body")
            try InputValidation.length(body, field: "body", in: 1...1000)
            let video = try await visible(input.videoId, viewer: me, needsReady: true)
            let comment = try await store.videos.addComment(videoId: video.id, userId: me, body: body, now: library.now())
            if video.ownerId != me, let author = try await store.users.find(id: me) {
                library.notifier?.commented(on: video.id.apiString, ownerId: video.ownerId, commentId: String(comment.id),
                                            by: author, excerpt: String(body.prefix(80)))
            }
            return Added(comment: VideoCommentPayload(comment))
        }
        router.query("videos.getComments") { (input: CommentsInput, context) in
            let video = try await visible(input.videoId, viewer: Self.viewer(context), needsReady: true)
            if let limit = input.limit { try InputValidation.range(limit, field: "limit", in: 1...VideoRepository.maxCommentPage) }
            var cursor: Int64?
            if let text = input.cursor {
                guard let value = Int64(text), value > 0 else { throw InputValidation.failure("cursor", "is not a cursor from this list") }
                cursor = value
            }
            let page = try await store.videos.comments(videoId: video.id, cursor: cursor, limit: input.limit ?? 20)
            return Comments(comments: page.comments.map(VideoCommentPayload.init), nextCursor: page.nextCursor.map(String.init),
                            commentCount: video.commentCount)
        }
        router.mutation("videos.deleteComment", access: .user) { (input: DeleteCommentInput, context) in
            let me = try Identifier.caller(context)
            let video = try await visible(input.videoId, viewer: me, needsReady: false)
            guard let commentId = Int64(input.commentId), commentId > 0 else {
                throw InputValidation.failure("commentId", "must be a comment id")
            }
            switch try await store.videos.deleteComment(videoId: video.id, commentId: commentId, requesterId: me, now: library.now()) {
            case .deleted(let count): return Deleted(videoId: video.id.apiString, deleted: true, commentCount: count)
            case .forbidden: throw TRPCError.forbidden("only the comment's author or the video's owner may delete it")
            }
        }
        router.mutation("videos.recordView") { (input: ViewInput, context) in
            let viewer = Self.viewer(context)
            guard input.watchedSeconds.isFinite else { throw InputValidation.failure("watchedSeconds", "must be a number") }
            try InputValidation.range(input.watchedSeconds, field: "watchedSeconds", in: 0...86_400)
            let video = try await visible(input.videoId, viewer: viewer, needsReady: true)
            let key = viewer.map { "u:" + $0.apiString } ?? Self.anonymousViewer(context.clientAddress)
            let record = try await store.videos.recordView(videoId: video.id, viewer: key,
                                                            watchedSeconds: Int64(input.watchedSeconds.rounded()), now: library.now())
            return View(videoId: video.id.apiString, counted: record.counted, viewCount: record.viewCount,
                        watchSeconds: record.watchSeconds)
        }
        router.mutation("videos.deleteVideo", access: .user) { (input: VideoInput, context) in
            let me = try Identifier.caller(context)
            let id = try Identifier.parse(input.videoId, field: "videoId")
            guard let video = try await store.videos.find(id: id), try await store.videos.canSee(video, viewerId: me) else {
                throw TRPCError.notFound("video not found")
            }
            guard video.ownerId == me else { throw TRPCError.forbidden("only the video's owner may delete it") }
            guard library.beginWriting(id) else { throw TRPCError.conflict("the video is being uploaded; try again") }
            defer { library.endWriting(id) }
            _ = try await store.videos.delete(id: id)
            await library.files.remove(id)
            return Deleted(videoId: id.apiString, deleted: true, commentCount: nil)
        }
        router.query("videos.getCategories", cacheSeconds: 300) { (_: Empty?, _) in
            Categories(categories: try await store.videos.categories())
        }
    }

    // MARK: rules

    static let titleLength = 1...120
    static let descriptionLength = 0...5000
    static let maxTags = 10
    static let tagLength = 1...32

    static func draft(_ input: UploadInput, ownerId: UUID) throws(TRPCError) -> VideoDraft {
        let title = input.title.trimmingCharacters(in: .whitespacesAndNewlines)
        try InputValidation.nonEmpty(title, field: "title")
        try InputValidation.length(title, field: "title", in: titleLength)
        let description = input.description ?? ""
        try InputValidation.length(description, field: "description", in: descriptionLength)
        let tags = (input.tags ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        try InputValidation.count(tags, field: "tags", in: 0...maxTags)
        for tag in tags { try InputValidation.length(tag, field: "tags", in: tagLength) }
        var visibility = VideoVisibility.public
        if let text = input.visibility {
            guard let parsed = VideoVisibility(rawValue: text) else {
                throw InputValidation.failure("visibility", "one of public, followers, private")
            }
            visibility = parsed
        }
        if let category = input.category {
            guard VideoCategory.catalog.contains(where: { $0.id == category }) else {
                throw InputValidation.failure("category", "unknown category (see videos.getCategories)")
            }
        }
        return VideoDraft(ownerId: ownerId, title: title, description: description, category: input.category, tags: tags,
                          visibility: visibility)
    }

    static func viewer(_ context: TRPCCallContext) -> UUID? { context.user.flatMap { UUID(uuidString: $0.id) } }

    /// Signed-out viewers are told apart by their address, stored only as a hash.
    static func anonymousViewer(_ address: String) -> String {
        let digest = SHA256.hash(data: Data(("chobi-video-view:" + address).utf8))
        return "a:" + digest.prefix(12).map { String(format: "%02x", $0) }.joined()
    }

    /// The video when the viewer may see it (and, for `needsReady`, when it is playable).
    private func visible(_ text: String, viewer: UUID?, needsReady: Bool) async throws -> Video {
        let id = try Identifier.parse(text, field: "videoId")
        guard let video = try await library.store.videos.find(id: id) else { throw TRPCError.notFound("video not found") }
        guard try await library.store.videos.canSee(video, viewerId: viewer) else {
            throw video.visibility == .followers ? TRPCError.forbidden("this video is for the owner's followers")
                                                 : TRPCError.forbidden("this video is private")
        }
        // Others never see a video that is not playable yet; its owner sees its status.
        if video.status != .ready, needsReady || video.ownerId != viewer { throw TRPCError.notFound("video not found") }
        return video
    }

    private func list(_ input: ListInput, viewer: UUID?) async throws -> List {
        if let limit = input.limit { try InputValidation.range(limit, field: "limit", in: 1...VideoRepository.maxPageSize) }
        var sort = VideoSort.recent
        if let text = input.sort {
            guard let parsed = VideoSort(rawValue: text) else { throw InputValidation.failure("sort", "one of recent, popular") }
            sort = parsed
        }
        var cursor: VideoCursor?
        if let text = input.cursor {
            guard let parsed = VideoCursor(text: text) else { throw InputValidation.failure("cursor", "is not a cursor from this list") }
            cursor = parsed
        }
        if let query = input.query { try InputValidation.length(query, field: "query", in: 0...200) }
        if let category = input.category, !VideoCategory.catalog.contains(where: { $0.id == category }) {
            throw InputValidation.failure("category", "unknown category (see videos.getCategories)")
        }
        let owner = try input.userId.map { try Identifier.parse($0, field: "userId") }
        let query = input.query.flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 }
        let page = try await library.store.videos.page(VideoQuery(
            viewerId: viewer, ownerId: owner, category: input.category, search: query, sort: sort, cursor: cursor,
            limit: input.limit ?? 20))
        return List(videos: page.videos.map { VideoPayload($0) }, nextCursor: page.nextCursor?.text)
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
