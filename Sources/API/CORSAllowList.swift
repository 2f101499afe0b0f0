/// Which browser origins may call the API from another site, and what they may send.
public struct CORSAllowList: Sendable, Equatable {
    /// Exact origins (`https://app.chobi.live`, scheme and port included, no trailing slash).
    /// `"*"` allows every origin; requests carry bearer tokens, never cookies, so `*` exposes
    /// nothing a script could not already fetch.
    public var origins: Set<String>
    public var allowedMethods: [String]
    public var allowedHeaders: [String]
    public var exposedHeaders: [String]
    /// How long browsers may cache a preflight answer.
    public var maxAgeSeconds: Int

    public init(origins: Set<String>,
                allowedMethods: [String] = ["GET", "POST", "OPTIONS"],
                allowedHeaders: [String] = ["Authorization", "Content-Type", "trpc-accept", "x-trpc-source"],
                exposedHeaders: [String] = ["Retry-After"],
                maxAgeSeconds: Int = 600) {
        self.origins = origins
        self.allowedMethods = allowedMethods
        self.allowedHeaders = allowedHeaders
        self.exposedHeaders = exposedHeaders
        self.maxAgeSeconds = maxAgeSeconds
    }

    /// No cross-origin access: the web client is served from the same origin.
    public static let sameOriginOnly = CORSAllowList(origins: [])

    /// The `Access-Control-Allow-Origin` value for a request from `origin`, nil if refused.
    public func allowOrigin(for origin: String?) -> String? {
        guard let origin, !origin.isEmpty else { return nil }
        if origins.contains(origin) { return origin }
        return origins.contains("*") ? "*" : nil
    }
}
