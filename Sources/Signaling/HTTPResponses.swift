import Hummingbird
import SFU

/// The responses WHIP/WHEP answer with, with the headers each status needs (CORS on every one,
/// `WWW-Authenticate` on 401, `Allow` on 405).
struct HTTPResponses: Sendable {
    var allowedOrigin: String

    static let sdpType = "application/sdp"
    static let trickleType = "application/trickle-ice-sdpfrag"
    static let endpointMethods = "POST, OPTIONS"
    static let resourceMethods = "DELETE, PATCH, OPTIONS"

    /// Headers every WHIP/WHEP response carries, so browsers on another origin can read them.
    var corsHeaders: HTTPFields {
        var headers = HTTPFields()
        headers[.accessControlAllowOrigin] = allowedOrigin
        headers[.accessControlExposeHeaders] = "Location, Link, ETag"
        if allowedOrigin != "*" { headers[.vary] = "Origin" }
        return headers
    }

    /// `OPTIONS` on an endpoint (`resource == false`) or a session resource.
    func preflight(resource: Bool) -> Response {
        var headers = corsHeaders
        let methods = resource ? Self.resourceMethods : Self.endpointMethods
        headers[.allow] = methods
        headers[.accessControlAllowMethods] = methods
        headers[.accessControlAllowHeaders] = "Authorization, Content-Type, If-Match"
        headers[.accessControlMaxAge] = "86400"
        if resource {
            headers[.init("Accept-Patch")!] = Self.trickleType
        } else {
            headers[.init("Accept-Post")!] = Self.sdpType
        }
        return Response(status: .noContent, headers: headers)
    }

    func created(location: String, eTag: String, answer: String) -> Response {
        var headers = corsHeaders
        headers[.location] = location
        headers[.contentType] = Self.sdpType
        headers[.eTag] = eTag
        return Response(status: .created, headers: headers, body: .init(byteBuffer: ByteBuffer(string: answer)))
    }

    func empty(_ status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: corsHeaders)
    }

    /// An error with a one-line plain-text reason (never a secret or a token).
    func failure(_ status: HTTPResponse.Status, _ message: String, extra: HTTPFields = [:]) -> Response {
        var headers = corsHeaders
        headers[.contentType] = "text/plain; charset=utf-8"
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: message + "\n")))
    }

    func methodNotAllowed(resource: Bool) -> Response {
        var extra = HTTPFields()
        extra[.allow] = resource ? Self.resourceMethods : Self.endpointMethods
        return failure(.methodNotAllowed, "method not allowed", extra: extra)
    }

    /// 401 with a Bearer challenge (RFC 6750 §3) for token problems, 403 for the wrong room.
    func tokenFailure(_ error: RoomTokenError) -> Response {
        switch error {
        case .wrongRoom:
            return failure(.forbidden, "token is for another room")
        case .missing:
            var extra = HTTPFields()
            extra[.wwwAuthenticate] = #"Bearer realm="chobi""#
            return failure(.unauthorized, "missing bearer token", extra: extra)
        case .malformed, .badSignature, .expired:
            let reason = switch error {
            case .expired: "token expired"
            case .badSignature: "token signature does not verify"
            default: "token is malformed"
            }
            var extra = HTTPFields()
            extra[.wwwAuthenticate] = #"Bearer realm="chobi", error="invalid_token", error_description="\#(reason)""#
            return failure(.unauthorized, reason, extra: extra)
        }
    }

    func mediaFailure(_ error: MediaPlaneError) -> Response {
        switch error {
        case .badOffer(let reason): failure(.badRequest, "bad offer: \(reason)")
        case .forbidden(let reason): failure(.forbidden, "forbidden: \(reason)")
        case .unknownSession: failure(.notFound, "no such session")
        case .conflict(let reason): failure(.conflict, "conflict: \(reason)")
        case .unavailable(let reason): failure(.serviceUnavailable, "unavailable: \(reason)")
        }
    }
}
