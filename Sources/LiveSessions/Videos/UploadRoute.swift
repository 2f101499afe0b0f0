import API
import Foundation
import Hummingbird
import Store

/// The resumable upload endpoint (docs/api.md, "Uploading a video"):
/// - `HEAD /uploads/{videoId}`: `Upload-Offset` (bytes stored and synced) and `Upload-Length`.
/// - `PUT /uploads/{videoId}` with `Content-Range: bytes <first>-<last>/<total>`: `first` must be
///   the stored offset. The body is streamed to disk; whatever arrived is fsynced and recorded
///   when the body ends, also when the connection drops, so the client resumes from `HEAD`.
///   The chunk that completes the file has it probed: 200 with the ready video, or 422 with why
///   it is refused (the video is then `failed` and its files removed).
/// A total over the limit is refused (413) before any byte is read.
public struct UploadRoute: Sendable {
    let library: VideoLibrary
    let tokens: UserTokenVerifier

    /// Received bytes are written in pieces this large, and synced and recorded every `syncEvery`.
    static let writeChunk = 1 << 20
    static let syncEvery: Int64 = 8 << 20

    public init(library: VideoLibrary, tokens: UserTokenVerifier) {
        self.library = library
        self.tokens = tokens
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        let route = self
        router.head("/uploads/:videoId") { request, context in await route.head(request, context) }
        router.put("/uploads/:videoId") { request, context in await route.put(request, context) }
    }

    struct Progress: Encodable {
        var videoId: String
        var offset: Int64
        var length: Int64?
        var complete: Bool
        var video: VideoPayload?
    }

    struct Refused: Encodable {
        var videoId: String
        var error: String
    }

    enum Owned {
        case video(Video)
        case refused(Response)
    }

    private func owned<Context: RequestContext>(_ request: Request, _ context: Context) async -> Owned {
        guard let me = await RequestCaller.user(request, tokens: tokens, now: library.now()) else {
            return .refused(RouteAnswer.error(.unauthorized, "a valid user token is required"))
        }
        guard let text = context.parameters.get("videoId"), let id = UUID(uuidString: text),
              let video = try? await library.store.videos.find(id: id) else {
            return .refused(RouteAnswer.error(.notFound, "video not found"))
        }
        guard video.ownerId == me else { return .refused(RouteAnswer.error(.forbidden, "only the video's owner may upload it")) }
        return .video(video)
    }

    private static func offsetHeaders(_ video: Video) -> HTTPFields {
        var headers: HTTPFields = [:]
        headers[RouteAnswer.uploadOffset] = String(video.bytes)
        if let total = video.expectedBytes { headers[RouteAnswer.uploadLength] = String(total) }
        headers[RouteAnswer.videoStatus] = video.status.rawValue
        return headers
    }

    func head<Context: RequestContext>(_ request: Request, _ context: Context) async -> Response {
        switch await owned(request, context) {
        case .refused(let answer): return Response(status: answer.status, headers: answer.headers)
        case .video(let video):
            var headers = Self.offsetHeaders(video)
            headers[.cacheControl] = "no-store"
            headers[.contentLength] = "0"
            return Response(status: .ok, headers: headers)
        }
    }

    func put<Context: RequestContext>(_ request: Request, _ context: Context) async -> Response {
        let video: Video
        switch await owned(request, context) {
        case .refused(let answer): return answer
        case .video(let found): video = found
        }
        guard video.status == .uploading else {
            return RouteAnswer.error(.conflict, "the video is \(video.status.rawValue); its upload is over",
                                     headers: Self.offsetHeaders(video))
        }
        guard let range = Self.range(request) else {
            return RouteAnswer.error(.badRequest, "Content-Range: bytes <first>-<last>/<total> is required")
        }
        if range.total > library.maxUploadBytes {
            // Terminal: the file will never fit. Nothing was written; the row says why.
            let message = "the file is \(range.total) bytes; the limit is \(library.maxUploadBytes)"
            try? await library.store.videos.markFailed(id: video.id, reason: message, now: library.now())
            await library.files.remove(video.id)
            return RefusedBody.response(status: .contentTooLarge, headers: [.contentType: "application/json; charset=utf-8"],
                                        body: Array(#"{"error":"\#(message)"}"#.utf8), discarding: request.body,
                                        closing: context as? any ConnectionClosingRequestContext)
        }
        if let length = request.headers[.contentLength].flatMap({ Int64($0) }), length != range.count {
            return RouteAnswer.error(.badRequest, "Content-Length does not match Content-Range")
        }
        if let expected = video.expectedBytes, expected != range.total {
            return RouteAnswer.error(.conflict, "the upload's total is \(expected) bytes, not \(range.total)",
                                     headers: Self.offsetHeaders(video))
        }
        guard range.first == video.bytes else {
            return RouteAnswer.error(.conflict, "the upload continues at byte \(video.bytes)", headers: Self.offsetHeaders(video))
        }
        guard library.beginWriting(video.id) else {
            var headers = Self.offsetHeaders(video)
            headers[.retryAfter] = "1"
            return RouteAnswer.error(.conflict, "another request is writing this upload", headers: headers)
        }
        defer { library.endWriting(video.id) }
        let outcome = await receive(request.body, into: video, range: range)
        switch outcome {
        case .failed(let status, let message, let offset):
            var headers: HTTPFields = [:]
            headers[RouteAnswer.uploadOffset] = String(offset)
            return RouteAnswer.error(status, message, headers: headers)
        case .stored(let offset):
            var headers: HTTPFields = [:]
            headers[RouteAnswer.uploadOffset] = String(offset)
            guard offset == range.total else {
                return RouteAnswer.json(.ok, Progress(videoId: video.id.apiString, offset: offset, length: range.total,
                                                      complete: false), headers: headers)
            }
            var completed = video
            completed.bytes = offset
            completed.expectedBytes = range.total
            do {
                switch try await library.finishUpload(completed) {
                case .success(let ready):
                    return RouteAnswer.json(.ok, Progress(videoId: video.id.apiString, offset: offset, length: range.total,
                                                          complete: true, video: VideoPayload(ready)), headers: headers)
                case .failure(let refusal):
                    return RouteAnswer.json(.unprocessableContent, Refused(videoId: video.id.apiString, error: refusal.description))
                }
            } catch {
                context.logger.error("videos: finishing an upload failed", metadata: ["error": "\(error)"])
                return RouteAnswer.error(.internalServerError, "the upload could not be finished")
            }
        }
    }

    enum Received {
        case stored(Int64)
        case failed(HTTPResponse.Status, String, offset: Int64)
    }

    /// Streams the body to the partial file at `range.first`, syncing and recording as it goes and
    /// once more when the body ends, however it ends.
    private func receive(_ body: RequestBody, into video: Video, range: UploadContentRange) async -> Received {
        let path = library.files.partial(video.id)
        let file: UploadFile
        do {
            file = try await UploadFile.open(path: path, truncatingTo: range.first)
        } catch {
            return .failed(.internalServerError, "the upload could not be stored", offset: range.first)
        }
        var offset = range.first
        var recorded = range.first
        var pending: [UInt8] = []
        pending.reserveCapacity(Self.writeChunk)
        var failure: (HTTPResponse.Status, String)?

        func flush() async throws {
            guard !pending.isEmpty else { return }
            try await file.write(pending, at: offset)
            offset += Int64(pending.count)
            pending.removeAll(keepingCapacity: true)
        }
        func commit() async throws {
            try await flush()
            guard offset != recorded else { return }
            try await file.sync()
            try await library.store.videos.recordUpload(id: video.id, bytes: offset, expectedBytes: range.total, now: library.now())
            recorded = offset
        }

        do {
            for try await chunk in body {
                let room = Int(range.last + 1 - offset) - pending.count
                if chunk.readableBytes > room {
                    pending += chunk.readableBytesView.prefix(max(0, room))
                    failure = (.badRequest, "the body is longer than its Content-Range")
                    break
                }
                pending += chunk.readableBytesView
                if pending.count >= Self.writeChunk { try await flush() }
                if offset - recorded >= Self.syncEvery { try await commit() }
            }
        } catch {
            // The client went away (or the body failed): keep what arrived, for the resume.
            failure = (.badRequest, "the body ended early")
        }
        do {
            try await commit()
        } catch {
            failure = (.internalServerError, "the upload could not be stored")
        }
        await file.close()
        if let failure { return .failed(failure.0, failure.1, offset: recorded) }
        guard recorded == range.last + 1 else {
            return .failed(.badRequest, "the body is shorter than its Content-Range", offset: recorded)
        }
        return .stored(recorded)
    }

    /// `Content-Range`, or for a one-shot upload without it, the whole file from `Content-Length`.
    static func range(_ request: Request) -> UploadContentRange? {
        if let header = request.headers[.contentRange] { return UploadContentRange.parse(header) }
        guard let length = request.headers[.contentLength].flatMap({ Int64($0) }), length > 0 else { return nil }
        return UploadContentRange(first: 0, last: length - 1, total: length)
    }
}
