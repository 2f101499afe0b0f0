/// A failure a procedure reports to its caller: the code decides the envelope and the HTTP
/// status, the message is shown to the client as is, so it must never hold a secret.
public struct TRPCError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: TRPCErrorCode
    public var message: String
    /// Seconds the client should wait (`Retry-After`), for TOO_MANY_REQUESTS.
    public var retryAfterSeconds: Int?

    public init(_ code: TRPCErrorCode, _ message: String, retryAfterSeconds: Int? = nil) {
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "\(code.rawValue): \(message)" }

    public static func parseError(_ message: String = "Malformed JSON input") -> TRPCError { .init(.parseError, message) }
    public static func badRequest(_ message: String) -> TRPCError { .init(.badRequest, message) }
    public static func unauthorized(_ message: String = "Sign in required") -> TRPCError { .init(.unauthorized, message) }
    public static func forbidden(_ message: String = "Forbidden") -> TRPCError { .init(.forbidden, message) }
    public static func notFound(_ message: String) -> TRPCError { .init(.notFound, message) }
    public static func conflict(_ message: String) -> TRPCError { .init(.conflict, message) }
    /// The request is right but the state does not allow it (not enough coins).
    public static func preconditionFailed(_ message: String) -> TRPCError { .init(.preconditionFailed, message) }
    public static func payloadTooLarge(limit: Int) -> TRPCError {
        .init(.payloadTooLarge, "Request is larger than \(limit) bytes")
    }
    public static func tooManyRequests(retryAfterSeconds: Int) -> TRPCError {
        .init(.tooManyRequests, "Too many requests, retry in \(retryAfterSeconds) s", retryAfterSeconds: retryAfterSeconds)
    }
    /// What clients see for every unexpected failure: the details go to the log, never here.
    public static let internalServerError = TRPCError(.internalServerError, "Internal server error")
}

/// Errors from other modules (the store, the media plane) that know which tRPC error they are.
/// Conform them in the server target, so handlers can `throw` them directly; anything thrown
/// that is neither `TRPCError` nor this becomes INTERNAL_SERVER_ERROR.
public protocol TRPCErrorConvertible: Error {
    var trpcError: TRPCError { get }
}
