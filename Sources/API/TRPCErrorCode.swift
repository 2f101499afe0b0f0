import Hummingbird

/// tRPC's error codes: the name clients switch on (`error.data.code`), its JSON-RPC number
/// (`error.code`) and the HTTP status tRPC answers with. Only the codes this API can return.
public enum TRPCErrorCode: String, Sendable, CaseIterable, Codable {
    case parseError = "PARSE_ERROR"
    case badRequest = "BAD_REQUEST"
    case unauthorized = "UNAUTHORIZED"
    case forbidden = "FORBIDDEN"
    case notFound = "NOT_FOUND"
    case methodNotSupported = "METHOD_NOT_SUPPORTED"
    case conflict = "CONFLICT"
    case preconditionFailed = "PRECONDITION_FAILED"
    case payloadTooLarge = "PAYLOAD_TOO_LARGE"
    case tooManyRequests = "TOO_MANY_REQUESTS"
    case internalServerError = "INTERNAL_SERVER_ERROR"

    /// The JSON-RPC 2.0 style number tRPC puts in `error.code`.
    public var jsonRPCCode: Int {
        switch self {
        case .parseError: -32700
        case .badRequest: -32600
        case .unauthorized: -32001
        case .forbidden: -32003
        case .notFound: -32004
        case .methodNotSupported: -32005
        case .conflict: -32009
        case .preconditionFailed: -32012
        case .payloadTooLarge: -32013
        case .tooManyRequests: -32029
        case .internalServerError: -32603
        }
    }

    /// The HTTP status tRPC's `getHTTPStatusCode` gives this code.
    public var httpStatus: Int {
        switch self {
        case .parseError, .badRequest: 400
        case .unauthorized: 401
        case .forbidden: 403
        case .notFound: 404
        case .methodNotSupported: 405
        case .conflict: 409
        case .preconditionFailed: 412
        case .payloadTooLarge: 413
        case .tooManyRequests: 429
        case .internalServerError: 500
        }
    }
}
