import API
import Hummingbird
import HummingbirdTesting
import Testing

/// `Authorization: Bearer` on the wire: which procedures need it and what refusals look like.
@Suite struct AuthenticationTests {
    @Test func validTokenReachesTheHandler() async throws {
        let token = try await APIHarness.token(for: APIHarness.ana)
        try await APIHarness.withApp { client in
            let response = try await APIHarness.get(client, "demo.whoami", headers: APIHarness.bearer(token))
            #expect(response.status == .ok)
            #expect(response.json?["result"]?["data"]?["username"]?.string == "ana")
            #expect(response.json?["result"]?["data"]?["id"]?.string == "u-1")
        }
    }

    @Test func missingTokenIsUnauthorized() async throws {
        try await APIHarness.withApp { client in
            let response = try await APIHarness.get(client, "demo.whoami")
            #expect(response.status == .unauthorized)
            #expect(response.text == #"{"error":{"code":-32001,"data":{"code":"UNAUTHORIZED","httpStatus":401,"path":"demo.whoami"},"message":"Sign in required"}}"#)
        }
    }

    @Test func expiredTokenIsUnauthorized() async throws {
        let token = try await APIHarness.token(for: APIHarness.ana, lifetime: .seconds(3600),
                                               issuedAt: APIHarness.now.addingTimeInterval(-3600))
        try await APIHarness.withApp { client in
            let response = try await APIHarness.get(client, "demo.whoami", headers: APIHarness.bearer(token))
            #expect(response.status == .unauthorized)
            expectErrorEnvelope(response.json, code: "UNAUTHORIZED", path: "demo.whoami")
            #expect(response.json?["error"]?["message"]?.string == "Token expired")
        }
    }

    @Test func wrongKindOrGarbageTokenIsUnauthorized() async throws {
        let room = try await roomShapedToken()
        try await APIHarness.withApp { client in
            for header in ["Bearer \(room)", "Bearer not-a-jwt", "Basic YW5hOnB3"] {
                let response = try await APIHarness.get(client, "demo.whoami", headers: [.authorization: header])
                #expect(response.status == .unauthorized, "\(header)")
                expectErrorEnvelope(response.json, code: "UNAUTHORIZED", path: "demo.whoami")
                #expect(response.json?["error"]?["message"]?.string == "Invalid token")
            }
        }
    }

    @Test func publicProceduresIgnoreABadTokenButUseAGoodOne() async throws {
        let expired = try await APIHarness.token(for: APIHarness.ana, lifetime: .seconds(1),
                                                 issuedAt: APIHarness.now.addingTimeInterval(-10))
        let valid = try await APIHarness.token(for: APIHarness.ben)
        try await APIHarness.withApp { client in
            let stale = try await APIHarness.get(client, "demo.viewer", headers: APIHarness.bearer(expired))
            #expect(stale.status == .ok)
            #expect(stale.json?["result"]?["data"]?.string == "anonymous")
            let signedIn = try await APIHarness.get(client, "demo.viewer", headers: APIHarness.bearer(valid))
            #expect(signedIn.json?["result"]?["data"]?.string == "ben")
        }
    }

    @Test func unauthorizedComesBeforeInputChecks() async throws {
        try await APIHarness.withApp { client in
            let response = try await APIHarness.post(client, "demo.createPost", body: "{not json")
            #expect(response.status == .unauthorized)
            expectErrorEnvelope(response.json, code: "UNAUTHORIZED", path: "demo.createPost")
        }
    }

    @Test func routerWithoutAVerifierAuthenticatesNobody() async throws {
        var api = TRPCRouter(tokens: nil, configuration: APIHarness.configuration())
        api.query("demo.whoami", access: .user) { (_: TRPCNoInput, context) in try context.requireUser().id }
        let router = Router(context: BasicRequestContext.self)
        api.mount(on: router)
        let token = try await APIHarness.token(for: APIHarness.ana)
        let app = Application(router: router, logger: APIHarness.quietLogger)
        try await app.test(.router) { client in
            let response = try await APIHarness.get(client, "demo.whoami", headers: APIHarness.bearer(token))
            #expect(response.status == .unauthorized)
        }
    }
}
