import Crypto
import Foundation
import Hummingbird

/// The browser client (docs/signaling.md): `Web/index.html` at `GET /` with `app.css`, `app.js`
/// (the direct WHIP/WHEP form) and `live.js` (the app). Read once from the package's resources when
/// `SignalingService` is made, so an install without them fails at start, not at a first request.
struct WebClient: Sendable {
    struct File: Sendable {
        let route: String
        let name: String
        let contentType: String
        let body: ByteBuffer
        /// Strong: it changes whenever a byte does.
        let entityTag: String
    }

    /// Route, file under `Web/`, Content-Type.
    static let manifest: [(route: String, name: String, contentType: String)] = [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/app.css", "app.css", "text/css; charset=utf-8"),
        ("/app.js", "app.js", "text/javascript; charset=utf-8"),
        ("/live.js", "live.js", "text/javascript; charset=utf-8"),
        ("/social.js", "social.js", "text/javascript; charset=utf-8"),
        ("/videos.js", "videos.js", "text/javascript; charset=utf-8"),
    ]

    let files: [File]

    /// Reads every file of `manifest` from `Web/` in `bundle` (the package's own by default).
    init(bundle: Bundle = .module) throws(WebClientError) {
        var files: [File] = []
        for entry in Self.manifest {
            guard let url = bundle.url(forResource: entry.name, withExtension: nil, subdirectory: "Web") else {
                throw .missingFile(name: entry.name, bundle: bundle.bundlePath)
            }
            let data: Data
            do {
                data = try Data(contentsOf: url)
            } catch {
                throw .unreadableFile(name: entry.name, path: url.path, reason: "\(error)")
            }
            files.append(File(route: entry.route, name: entry.name, contentType: entry.contentType,
                              body: ByteBuffer(bytes: data), entityTag: Self.entityTag(of: data)))
        }
        self.files = files
    }

    /// The first 128 bits of the content's SHA-256, as 32 lowercase hex digits in quotes.
    static func entityTag(of data: some DataProtocol) -> String {
        let hex = SHA256.hash(data: data).prefix(16).map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
        }
        return "\"" + hex.joined() + "\""
    }

    /// 200 with the file, or 304 when `If-None-Match` names its tag; always `no-cache`, so a
    /// browser revalidates on every load and picks up a new build at once.
    static func response(_ file: File, to request: Request) -> Response {
        var headers = HTTPFields()
        headers[.eTag] = file.entityTag
        headers[.cacheControl] = "no-cache"
        if matches(request.headers[values: .ifNoneMatch], file.entityTag) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = file.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: file.body))
    }

    /// RFC 9110 §13.1.2: `*` or any listed tag, compared weakly (a `W/` prefix is ignored).
    static func matches(_ ifNoneMatch: [String], _ entityTag: String) -> Bool {
        ifNoneMatch.lazy.flatMap { $0.split(separator: ",") }.contains { candidate in
            var tag = candidate.trimmingCharacters(in: .whitespaces)[...]
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
            return tag == entityTag[...]
        }
    }
}

/// Why the web client could not be loaded at start.
public enum WebClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `Web/<name>` is not in the resource bundle (e.g. the binary was copied without its
    /// `ChobiLive_Signaling.resources` directory).
    case missingFile(name: String, bundle: String)
    case unreadableFile(name: String, path: String, reason: String)

    public var description: String {
        switch self {
        case .missingFile(let name, let bundle):
            "web client file Web/\(name) is missing from \(bundle) (keep ChobiLive_Signaling.resources next to the binary)"
        case .unreadableFile(let name, let path, let reason):
            "web client file Web/\(name) cannot be read at \(path): \(reason)"
        }
    }
}
