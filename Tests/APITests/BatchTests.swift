import API
import Hummingbird
import HummingbirdTesting
import Testing

/// `?batch=1`: names joined by commas, inputs keyed by position, an array of envelopes, and
/// tRPC's status rule (the common status, or 207 when the calls disagree).
@Suite struct BatchTests {
    @Test func batchGetAnswersEachCallInOrder() async throws {
        try await APIHarness.withApp { client in
            let input = APIHarness.encodeQuery(#"{"0":{"name":"Ana"},"1":{"name":"Ben"}}"#)
            let response = try await client.executeRequest(
                uri: "/api/trpc/demo.hello,demo.hello?batch=1&input=\(input)", method: .get, headers: [:], body: nil)
            #expect(response.status == .ok)
            #expect(response.text == #"[{"result":{"data":{"greeting":"Hello, Ana"}}},{"result":{"data":{"greeting":"Hello, Ben"}}}]"#)
        }
    }

    @Test func batchMemberWithoutAKeyHasNoInput() async throws {
        try await APIHarness.withApp { client in
            let input = APIHarness.encodeQuery(#"{"1":{"name":"Ben"}}"#)
            let response = try await client.executeRequest(
                uri: "/api/trpc/demo.hello,demo.hello?batch=1&input=\(input)", method: .get, headers: [:], body: nil)
            #expect(response.json?[0]?["result"]?["data"]?["greeting"]?.string == "Hello, world")
            #expect(response.json?[1]?["result"]?["data"]?["greeting"]?.string == "Hello, Ben")
        }
    }

    @Test func batchWithoutInputAtAll() async throws {
        try await APIHarness.withApp { client in
            let response = try await client.executeRequest(
                uri: "/api/trpc/demo.hello,demo.viewer?batch=1", method: .get, headers: [:], body: nil)
            #expect(response.status == .ok)
            #expect(response.text == #"[{"result":{"data":{"greeting":"Hello, world"}}},{"result":{"data":"anonymous"}}]"#)
        }
    }

    @Test func batchPostMixedOutcomesIs207WithPerCallEnvelopes() async throws {
        let token = try await APIHarness.token(for: APIHarness.ana)
        try await APIHarness.withApp { client in
            let response = try await APIHarness.post(
                client, "demo.createPost,demo.forbidden,demo.echoPost?batch=1",
                body: #"{"0":{"title":"Live now"},"2":{"text":7}}"#,
                headers: [.authorization: "Bearer \(token)", .contentType: "application/json"])
            #expect(response.status.code == 207)
            #expect(response.json?.count == 3)
            #expect(response.json?[0] == JSONValue.parse(Array(#"{"result":{"data":{"id":7,"title":"Live now"}}}"#.utf8)))
            expectErrorEnvelope(response.json?[1], code: "FORBIDDEN", path: "demo.forbidden")
            expectErrorEnvelope(response.json?[2], code: "BAD_REQUEST", path: "demo.echoPost")
            #expect(response.json?[2]?["error"]?["message"]?.string == "input.text: expected string")
        }
    }

    @Test func batchWhoseCallsAllFailAlikeTakesTheirStatus() async throws {
        try await APIHarness.withApp { client in
            let response = try await client.executeRequest(
                uri: "/api/trpc/nope.a,nope.b?batch=1", method: .get, headers: [:], body: nil)
            #expect(response.status == .notFound)
            expectErrorEnvelope(response.json?[0], code: "NOT_FOUND", path: "nope.a")
            expectErrorEnvelope(response.json?[1], code: "NOT_FOUND", path: "nope.b")
        }
    }

    @Test func batchWithOneUnknownProcedureIs207() async throws {
        try await APIHarness.withApp { client in
            let response = try await client.executeRequest(
                uri: "/api/trpc/demo.hello,nope.x?batch=1", method: .get, headers: [:], body: nil)
            #expect(response.status.code == 207)
            #expect(response.json?[0]?["result"] != nil)
            expectErrorEnvelope(response.json?[1], code: "NOT_FOUND", path: "nope.x")
        }
    }

    @Test func batchInputThatIsNotAnObjectFailsEveryCall() async throws {
        try await APIHarness.withApp { client in
            let response = try await APIHarness.post(client, "demo.echoPost,demo.echoPost?batch=1", body: #"[{"text":"a"}]"#)
            #expect(response.status == .badRequest)
            for index in 0..<2 {
                expectErrorEnvelope(response.json?[index], code: "BAD_REQUEST", path: "demo.echoPost")
                #expect(response.json?[index]?["error"]?["message"]?.string == #""input" needs to be an object when doing a batch call"#)
            }
        }
    }

    @Test func malformedBatchJSONIsParseErrorForEveryCallThatReadsIt() async throws {
        try await APIHarness.withApp { client in
            let response = try await APIHarness.post(client, "demo.echoPost,nope.x?batch=1", body: #"{"0":{"text":"a"}"#)
            #expect(response.status.code == 207)
            expectErrorEnvelope(response.json?[0], code: "PARSE_ERROR", path: "demo.echoPost")
            expectErrorEnvelope(response.json?[1], code: "NOT_FOUND", path: "nope.x")
        }
    }

    @Test func batchMixingQueriesAndMutationsIsRefusedAsAWhole() async throws {
        try await APIHarness.withApp { client in
            let response = try await client.executeRequest(
                uri: "/api/trpc/demo.hello,demo.echoPost?batch=1", method: .get, headers: [:], body: nil)
            #expect(response.status == .badRequest)
            #expect(response.text == #"{"error":{"code":-32600,"data":{"code":"BAD_REQUEST","httpStatus":400},"message":"Cannot mix procedure types in call: query, mutation"}}"#)
        }
    }

    @Test func batchLargerThanTheLimitIsRefusedAsAWhole() async throws {
        try await APIHarness.withApp { client in
            let names = Array(repeating: "demo.hello", count: 33).joined(separator: ",")
            let response = try await client.executeRequest(uri: "/api/trpc/\(names)?batch=1", method: .get, headers: [:], body: nil)
            #expect(response.status == .badRequest)
            expectErrorEnvelope(response.json, code: "BAD_REQUEST", path: .some(nil))
            let allowed = Array(repeating: "demo.hello", count: 32).joined(separator: ",")
            let ok = try await client.executeRequest(uri: "/api/trpc/\(allowed)?batch=1", method: .get, headers: [:], body: nil)
            #expect(ok.status == .ok)
            #expect(ok.json?.count == 32)
        }
    }

    @Test func commasWithoutBatchAreOneUnknownName() async throws {
        try await APIHarness.withApp { client in
            let response = try await client.executeRequest(uri: "/api/trpc/demo.hello,demo.hello", method: .get, headers: [:], body: nil)
            #expect(response.status == .notFound)
            expectErrorEnvelope(response.json, code: "NOT_FOUND", path: "demo.hello,demo.hello")
        }
    }
}
