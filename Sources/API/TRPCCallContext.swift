import Logging

/// What a procedure's handler knows about the call besides its input.
public struct TRPCCallContext: Sendable {
    /// The procedure's name, `"<router>.<proc>"`.
    public var path: String
    /// The caller, when the request carried a valid user token. Never nil in a procedure
    /// registered with `.user` access.
    public var user: AuthenticatedUser?
    /// The client's IP address as the rate limiter saw it (`"unknown"` when the request
    /// context cannot tell).
    public var clientAddress: String
    /// The request's `User-Agent` header, as sent (nil when absent): what analytics reads the
    /// viewer's device, OS and browser from. Untrusted text: parse it, never echo it.
    public var userAgent: String?
    /// Hummingbird's request id, also in every log line of this request.
    public var requestID: String
    public var logger: Logger

    public init(path: String, user: AuthenticatedUser?, clientAddress: String, userAgent: String? = nil,
                requestID: String, logger: Logger) {
        self.path = path
        self.user = user
        self.clientAddress = clientAddress
        self.userAgent = userAgent
        self.requestID = requestID
        self.logger = logger
    }

    /// The caller, or UNAUTHORIZED.
    public func requireUser() throws(TRPCError) -> AuthenticatedUser {
        guard let user else { throw .unauthorized() }
        return user
    }
}
