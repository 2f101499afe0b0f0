import Hummingbird

/// CORS with an allow-list (Hummingbird's `CORSMiddleware` reflects any origin or one fixed
/// value). Preflights are answered here; other responses get the allow headers when the origin
/// is on the list. A refused origin gets no allow header at all, so the browser hides the
/// response from the page; the request itself is still served, as CORS is enforced by browsers.
public struct CORSAllowListMiddleware<Context: RequestContext>: RouterMiddleware {
    public let allowList: CORSAllowList

    public init(allowList: CORSAllowList) {
        self.allowList = allowList
    }

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        let allowed = allowList.allowOrigin(for: request.headers[.origin])
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            return preflight(allowedOrigin: allowed)
        }
        var response = try await next(request, context)
        if let allowed {
            response.headers[.accessControlAllowOrigin] = allowed
            if !allowList.exposedHeaders.isEmpty {
                response.headers[.accessControlExposeHeaders] = allowList.exposedHeaders.joined(separator: ", ")
            }
        }
        // The answer depends on Origin even when it refuses: caches must not share it.
        if let vary = response.headers[.vary] {
            if !vary.lowercased().contains("origin") { response.headers[.vary] = vary + ", Origin" }
        } else {
            response.headers[.vary] = "Origin"
        }
        return response
    }

    private func preflight(allowedOrigin: String?) -> Response {
        var headers = HTTPFields()
        headers[.allow] = allowList.allowedMethods.joined(separator: ", ")
        headers[.vary] = "Origin"
        if let allowedOrigin {
            headers[.accessControlAllowOrigin] = allowedOrigin
            headers[.accessControlAllowMethods] = allowList.allowedMethods.joined(separator: ", ")
            headers[.accessControlAllowHeaders] = allowList.allowedHeaders.joined(separator: ", ")
            headers[.accessControlMaxAge] = String(allowList.maxAgeSeconds)
        }
        return Response(status: .noContent, headers: headers)
    }
}
