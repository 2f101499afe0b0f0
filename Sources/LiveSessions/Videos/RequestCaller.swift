import API
import Foundation
import Hummingbird

/// The signed-in user of a plain HTTP request (uploads, playback): `Authorization: Bearer`, or
/// `?token=` for `<video src>`, which cannot send headers. Nil when absent or invalid.
enum RequestCaller {
    static func user(_ request: Request, tokens: UserTokenVerifier, now: Date) async -> UUID? {
        var token = request.uri.queryParameters["token"].map(String.init)
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        }
        guard let token, !token.isEmpty, let user = try? await tokens.verify(token, now: now) else { return nil }
        return UUID(uuidString: user.id)
    }
}

/// Small JSON answers of the upload and playback routes: `{"error": "..."}` and the like.
enum RouteAnswer {
    static let uploadOffset = HTTPFields.Element.Name("Upload-Offset")!
    static let uploadLength = HTTPFields.Element.Name("Upload-Length")!
    static let videoStatus = HTTPFields.Element.Name("Video-Status")!

    static func json(_ status: HTTPResponse.Status, _ object: some Encodable, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        let data = (try? JSONEncoder().encode(object)) ?? Data("{}".utf8)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    struct Failure: Encodable { var error: String }

    static func error(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) -> Response {
        json(status, Failure(error: message), headers: headers)
    }
}
