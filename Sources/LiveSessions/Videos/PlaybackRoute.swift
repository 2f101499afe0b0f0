import API
import Foundation
import Hummingbird
import NIOPosix
import Store

/// `GET|HEAD /videos/{videoId}/file` and `/videos/{videoId}/thumbnail`: the stored file, streamed
/// from disk in chunks, with single byte ranges (206, 416 with `Content-Range: bytes */size`),
/// `ETag`/`Last-Modified` validators and caching headers. Followers-only and private videos need
/// the owner's or a follower's token (`Authorization: Bearer`, or `?token=` for `<video src>`).
public struct PlaybackRoute: Sendable {
    let library: VideoLibrary
    let tokens: UserTokenVerifier

    public init(library: VideoLibrary, tokens: UserTokenVerifier) {
        self.library = library
        self.tokens = tokens
    }

    enum Asset { case file, thumbnail, hls(String) }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        let route = self
        router.get("/videos/:videoId/file") { request, context in await route.serve(.file, request, context, body: true) }
        router.head("/videos/:videoId/file") { request, context in await route.serve(.file, request, context, body: false) }
        router.get("/videos/:videoId/thumbnail") { request, context in await route.serve(.thumbnail, request, context, body: true) }
        router.head("/videos/:videoId/thumbnail") { request, context in await route.serve(.thumbnail, request, context, body: false) }
        router.get("/videos/:videoId/hls/:name") { request, context in
            await route.serve(.hls(context.parameters.get("name") ?? ""), request, context, body: true)
        }
    }

    func serve<Context: RequestContext>(_ asset: Asset, _ request: Request, _ context: Context, body: Bool) async -> Response {
        let viewer = await RequestCaller.user(request, tokens: tokens, now: library.now())
        guard let text = context.parameters.get("videoId"), let id = UUID(uuidString: text),
              let video = try? await library.store.videos.find(id: id) else {
            return RouteAnswer.error(.notFound, "video not found")
        }
        guard (try? await library.store.videos.canSee(video, viewerId: viewer)) == true else {
            return viewer == nil ? RouteAnswer.error(.unauthorized, "this video needs a token that may see it")
                                 : RouteAnswer.error(.forbidden, "this video is not shared with you")
        }
        let path: String?
        let contentType: String
        switch asset {
        case .file:
            path = video.status == .ready ? video.filePath : nil
            contentType = video.container == "mp4" ? "video/mp4" : "video/webm"
        case .thumbnail:
            path = video.status == .ready ? video.thumbnailPath : nil
            contentType = (video.thumbnailPath ?? "").hasSuffix(".jpg") ? "image/jpeg" : "image/png"
        case .hls(let name):
            // Only the rendition's own files, by a name that cannot leave its folder.
            if video.status == .ready, let playlist = video.hlsPath, HLSRenditions.isRenditionFile(name) {
                path = (playlist as NSString).deletingLastPathComponent + "/" + name
            } else {
                path = nil
            }
            contentType = name.hasSuffix(".m3u8") ? "application/vnd.apple.mpegurl" : "video/mp2t"
        }
        guard let path, let stat = await Self.stat(path) else { return RouteAnswer.error(.notFound, "no such file") }

        var headers: HTTPFields = [:]
        headers[.contentType] = contentType
        headers[.acceptRanges] = "bytes"
        let etag = "\"\(video.id.apiString)-\(stat.size)-\(stat.modifiedMs)\""
        headers[.eTag] = etag
        headers[.lastModified] = HTTPDate.string(Date(timeIntervalSince1970: Double(stat.modifiedMs) / 1000))
        // A public file may sit in shared caches; others only in the viewer's own.
        headers[.cacheControl] = video.visibility == .public ? "public, max-age=86400" : "private, max-age=3600"
        if video.visibility != .public { headers[.vary] = "Authorization" }

        if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: {
            $0.trimmingCharacters(in: .whitespaces) == etag || $0.trimmingCharacters(in: .whitespaces) == "*"
        }) {
            return Response(status: .notModified, headers: headers)
        }
        // If-Range with another validator: the file changed, so send it whole.
        var rangeHeader = request.headers[.range]
        if let ifRange = request.headers[.ifRange], ifRange != etag { rangeHeader = nil }

        let range: ClosedRange<Int64>
        let status: HTTPResponse.Status
        switch ByteRange.parse(rangeHeader, size: stat.size) {
        case .unsatisfiable:
            headers[.contentRange] = "bytes */\(stat.size)"
            headers[.contentLength] = "0"
            return Response(status: .rangeNotSatisfiable, headers: headers)
        case .whole:
            guard stat.size > 0 else {
                headers[.contentLength] = "0"
                return Response(status: .ok, headers: headers)
            }
            range = 0...(stat.size - 1)
            status = .ok
        case .partial(let requested):
            range = requested
            status = .partialContent
            headers[.contentRange] = "bytes \(requested.lowerBound)-\(requested.upperBound)/\(stat.size)"
        }
        headers[.contentLength] = String(range.count)
        guard body else { return Response(status: status, headers: headers) }
        do {
            let file = try await FileIO().loadFile(path: path, range: Int(range.lowerBound)...Int(range.upperBound), context: context)
            return Response(status: status, headers: headers, body: file)
        } catch {
            return RouteAnswer.error(.notFound, "no such file")
        }
    }

    struct FileStat {
        var size: Int64
        var modifiedMs: Int64
    }

    static func stat(_ path: String) async -> FileStat? {
        try? await NIOThreadPool.singleton.runIfActive { () -> FileStat? in
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  let size = (attributes[.size] as? NSNumber)?.int64Value,
                  let modified = attributes[.modificationDate] as? Date else { return nil }
            return FileStat(size: size, modifiedMs: Int64(modified.timeIntervalSince1970 * 1000))
        } ?? nil
    }
}

/// IMF-fixdate (RFC 9110 §5.6.7), for `Last-Modified`.
enum HTTPDate {
    static func string(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return "\(days[((c.weekday ?? 1) - 1) % 7]), \(two(c.day)) \(months[((c.month ?? 1) - 1) % 12]) \(c.year ?? 1970) "
            + "\(two(c.hour)):\(two(c.minute)):\(two(c.second)) GMT"
    }
}
