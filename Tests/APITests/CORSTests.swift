import API
import Hummingbird
import HummingbirdTesting
import Testing

/// CORS allow-list: exact origins only, preflights answered, refusals carry no allow header.
@Suite struct CORSTests {
    static let configuration = APIHarness.configuration(cors: CORSAllowList(origins: ["https://app.chobi.live"]))

    @Test func allowedOriginGetsItsOriginBack() async throws {
        try await APIHarness.withApp(Self.configuration) { client in
            let response = try await APIHarness.get(client, "demo.hello", headers: [.origin: "https://app.chobi.live"])
            #expect(response.status == .ok)
            #expect(response.headers[.accessControlAllowOrigin] == "https://app.chobi.live")
            #expect(response.headers[.accessControlExposeHeaders] == "Retry-After")
            #expect(response.headers[values: .vary].contains("Origin"))
        }
    }

    @Test(arguments: ["https://evil.example", "https://app.chobi.live.evil.example", "http://app.chobi.live",
                      "https://app.chobi.live:8443", "null"])
    func otherOriginsGetNoAllowHeader(origin: String) async throws {
        try await APIHarness.withApp(Self.configuration) { client in
            let response = try await APIHarness.get(client, "demo.hello", headers: [.origin: origin])
            #expect(response.headers[.accessControlAllowOrigin] == nil)
            #expect(response.headers[values: .vary].contains("Origin"))
        }
    }

    @Test func preflightFromAnAllowedOrigin() async throws {
        try await APIHarness.withApp(Self.configuration) { client in
            let response = try await client.executeRequest(
                uri: "/api/trpc/demo.createPost", method: .options,
                headers: [.origin: "https://app.chobi.live", .accessControlRequestMethod: "POST",
                          .accessControlRequestHeaders: "authorization, content-type"],
                body: nil)
            #expect(response.status == .noContent)
            #expect(response.headers[.accessControlAllowOrigin] == "https://app.chobi.live")
            #expect(response.headers[.accessControlAllowMethods] == "GET, POST, OPTIONS")
            let headers = response.headers[.accessControlAllowHeaders]?.lowercased() ?? ""
            #expect(headers.contains("authorization") && headers.contains("content-type"))
            #expect(response.headers[.accessControlMaxAge] == "600")
        }
    }

    @Test func preflightFromAnotherOriginIsNotAllowed() async throws {
        try await APIHarness.withApp(Self.configuration) { client in
            let response = try await client.executeRequest(
                uri: "/api/trpc/demo.createPost", method: .options,
                headers: [.origin: "https://evil.example", .accessControlRequestMethod: "POST"], body: nil)
            #expect(response.status == .noContent)
            #expect(response.headers[.accessControlAllowOrigin] == nil)
            #expect(response.headers[.accessControlAllowMethods] == nil)
        }
    }

    @Test func errorsAndRateLimitsCarryTheAllowHeaderToo() async throws {
        var configuration = Self.configuration
        configuration.perAddressLimit = RateLimit(ratePerSecond: 0.01, burst: 1)
        try await APIHarness.withApp(configuration) { client in
            let origin: HTTPFields = [.origin: "https://app.chobi.live"]
            let notFound = try await APIHarness.get(client, "nope.x", headers: origin)
            #expect(notFound.status == .notFound)
            #expect(notFound.headers[.accessControlAllowOrigin] == "https://app.chobi.live")
            let limited = try await APIHarness.get(client, "demo.hello", headers: origin)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.accessControlAllowOrigin] == "https://app.chobi.live")
        }
    }

    @Test func wildcardAllowsEveryOrigin() {
        let list = CORSAllowList(origins: ["*"])
        #expect(list.allowOrigin(for: "https://anything.example") == "*")
        #expect(list.allowOrigin(for: nil) == nil)
        #expect(CORSAllowList.sameOriginOnly.allowOrigin(for: "https://app.chobi.live") == nil)
    }
}
