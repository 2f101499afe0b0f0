import API
import Hummingbird
import HummingbirdTesting
import Testing

/// The single-call wire format: methods, envelopes, codes, statuses, exact bytes.
@Suite struct WireFormatTests {
    @Test func queryWithoutInputGetsNoInput() async throws {
        try await APIHarness.withApp { client in
            let response = try await APIHarness.get(client, "demo.hello")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(response.text == #"{"result":{"data":{"greeting":"Hello, world"}}}"#)
        }
    }

    @Test func queryReadsURLEncodedInputParameter() async throws {
        try await APIHarness.withApp { client in
            let response = try await APIHarness.get(client, "demo.hello", input: #"{"name":"Añа & 🎉 +1"}"#)
            #expect(response.status == .ok)
            #expect(response.json?["result"]?["data"]?["greeting"]?.string == "Hello, Añа & 🎉 +1")
        }
    }

    @Test func emptyInputParameterMeansNoInput() async throws {
        try await APIHarness.withApp { client in
            let response = try await client.executeRequest(uri: "/api/trpc/demo.hello?input=", method: .get, headers: [:], body: nil)
            #expect(response.json?["result"]?["data"]?["greeting"]?.string == "Hello, world")
        }
    }

    @Test func mutationTakesTheJSONBody() async throws {
        let token = try await APIHarness.token(for: APIHarness.ana)
        try await APIHarness.withApp { client in
            let response = try await APIHarness.post(client, "demo.createPost", body: #"{"title":"First stream"}"#,
                                                     headers: APIHarness.bearer(token))
            #expect(response.status == .ok)
            #expect(response.text == #"{"result":{"data":{"id":7,"title":"First stream"}}}"#)
        }
    }

    @Test func getOnAMutationIsMethodNotSupported() async throws {
        try await APIHarness.withApp { client in
            let response = try await APIHarness.get(client, "demo.echoPost", input: #"{"text":"x"}"#)
            #expect(response.status == .methodNotAllowed)
            #expect(response.text == #"{"error":{"code":-32005,"data":{"code":"METHOD_NOT_SUPPORTED","httpStatus":405,"path":"demo.echoPost"},"message":"Unsupported GET-request to mutation procedure at path \"demo.echoPost\""}}"#)
        }
    }

    @Test func postOnAQueryIsMethodNotSupported() async throws {
        try await APIHarness.withApp { client in
            let response = try await APIHarness.post(client, "demo.hello", body: #"{"name":"x"}"#)
            #expect(response.status == .methodNotAllowed)
            expectErrorEnvelope(response.json, code: "METHOD_NOT_SUPPORTED", path: "demo.hello")
        }
    }

    @Test func otherMethodsAreMethodNotSupported() async throws {
        try await APIHarness.withApp { client in
            for method in [HTTPRequest.Method.put, .patch, .delete] {
                let response = try await client.executeRequest(uri: "/api/trpc/demo.hello", method: method, headers: [:], body: nil)
                #expect(response.status == .methodNotAllowed)
                expectErrorEnvelope(response.json, code: "METHOD_NOT_SUPPORTED", path: "demo.hello")
            }
        }
    }

    @Test func headIsAnEmpty204AsInTRPC() async throws {
        try await APIHarness.withApp { client in
            let response = try await client.executeRequest(uri: "/api/trpc/demo.hello", method: .head, headers: [:], body: nil)
            #expect(response.status == .noContent)
            #expect(response.text.isEmpty)
        }
    }

    @Test func unknownProcedureIsNotFound() async throws {
        try await APIHarness.withApp { client in
            let response = try await APIHarness.get(client, "users.getProfile", input: #"{"userId":"1"}"#)
            #expect(response.status == .notFound)
            #expect(response.text == #"{"error":{"code":-32004,"data":{"code":"NOT_FOUND","httpStatus":404,"path":"users.getProfile"},"message":"No procedure found on path \"users.getProfile\""}}"#)
        }
    }

    @Test func pathsOutsideOneSegmentAreStillEnvelopes() async throws {
        try await APIHarness.withApp { client in
            for uri in ["/api/trpc", "/api/trpc/", "/api/trpc/demo/hello", "/api/trpc/%ZZ%00"] {
                let response = try await client.executeRequest(uri: uri, method: .get, headers: [:], body: nil)
                #expect(response.status == .notFound, "\(uri)")
                expectErrorEnvelope(response.json, code: "NOT_FOUND")
            }
        }
    }

    @Test func malformedJSONIsParseError() async throws {
        let token = try await APIHarness.token(for: APIHarness.ana)
        try await APIHarness.withApp { client in
            let post = try await APIHarness.post(client, "demo.createPost", body: #"{"title": "x""#, headers: APIHarness.bearer(token))
            #expect(post.status == .badRequest)
            #expect(post.text == #"{"error":{"code":-32700,"data":{"code":"PARSE_ERROR","httpStatus":400,"path":"demo.createPost"},"message":"Malformed JSON input"}}"#)
            let get = try await APIHarness.get(client, "demo.hello", input: "{name:")
            #expect(get.status == .badRequest)
            expectErrorEnvelope(get.json, code: "PARSE_ERROR", path: "demo.hello")
        }
    }

    @Test func invalidUTF8InsideAStringIsParseError() async throws {
        try await APIHarness.withApp { client in
            let response = try await client.executeRequest(
                uri: "/api/trpc/demo.hello?input=%7B%22name%22%3A%22%FF%FE%22%7D", method: .get, headers: [:], body: nil)
            #expect(response.status == .badRequest)
            expectErrorEnvelope(response.json, code: "PARSE_ERROR")
        }
    }

    @Test(arguments: [
        (#"{"title":5}"#, "input.title: expected string"),
        (#"{}"#, "input.title: required"),
        (#"{"title":null}"#, "input.title: expected string, got null"),
        (#"{"title":"ok","tags":["a",3]}"#, "input.tags[1]: expected string"),
        (#"{"title":"ok","tags":"a"}"#, "input.tags: expected array"),
        (#"{"title":"ok","limit":"ten"}"#, "input.limit: expected integer"),
        // swift-foundation reports a fraction for an Int without a coding path.
        (#"{"title":"ok","limit":1.5}"#, "input: invalid value"),
        (#""just a string""#, "input: expected object"),
        (#"[1,2]"#, "input: expected object"),
        (#"{"title":""}"#, "input.title: must be 1-120 characters"),
        (#"{"title":"ok","limit":0}"#, "input.limit: must be between 1 and 100"),
    ])
    func wrongInputIsBadRequestNamingTheField(body: String, message: String) async throws {
        let token = try await APIHarness.token(for: APIHarness.ana)
        try await APIHarness.withApp { client in
            let response = try await APIHarness.post(client, "demo.createPost", body: body, headers: APIHarness.bearer(token))
            #expect(response.status == .badRequest)
            expectErrorEnvelope(response.json, code: "BAD_REQUEST", path: "demo.createPost")
            #expect(response.json?["error"]?["message"]?.string == message)
        }
    }

    @Test func missingInputForAnObjectInputIsRequired() async throws {
        let token = try await APIHarness.token(for: APIHarness.ana)
        try await APIHarness.withApp { client in
            let response = try await APIHarness.post(client, "demo.createPost", body: nil, headers: APIHarness.bearer(token))
            #expect(response.status == .badRequest)
            #expect(response.json?["error"]?["message"]?.string == "input: required")
        }
    }

    @Test func handlerErrorsKeepTheirExactEnvelope() async throws {
        try await APIHarness.withApp { client in
            let forbidden = try await APIHarness.post(client, "demo.forbidden", body: nil)
            #expect(forbidden.status == .forbidden)
            #expect(forbidden.text == #"{"error":{"code":-32003,"data":{"code":"FORBIDDEN","httpStatus":403,"path":"demo.forbidden"},"message":"Only the host may end this session"}}"#)
            let conflict = try await APIHarness.post(client, "demo.conflict", body: "{}")
            #expect(conflict.status == .conflict)
            #expect(conflict.text == #"{"error":{"code":-32009,"data":{"code":"CONFLICT","httpStatus":409,"path":"demo.conflict"},"message":"Username is taken"}}"#)
        }
    }

    @Test func internalErrorsHideTheirDetails() async throws {
        try await APIHarness.withApp { client in
            let response = try await APIHarness.get(client, "demo.crash")
            #expect(response.status == .internalServerError)
            #expect(response.text == #"{"error":{"code":-32603,"data":{"code":"INTERNAL_SERVER_ERROR","httpStatus":500,"path":"demo.crash"},"message":"Internal server error"}}"#)
            #expect(!response.text.contains("hunter2"))
        }
    }

    @Test func outputThatCannotBeEncodedIsAnInternalError() async throws {
        try await APIHarness.withApp { client in
            let response = try await APIHarness.get(client, "demo.nan")
            #expect(response.status == .internalServerError)
            expectErrorEnvelope(response.json, code: "INTERNAL_SERVER_ERROR", path: "demo.nan")
        }
    }

    @Test func everyCodeHasTRPCsNumberAndStatus() {
        let table: [(TRPCErrorCode, Int, Int)] = [
            (.parseError, -32700, 400), (.badRequest, -32600, 400), (.unauthorized, -32001, 401),
            (.forbidden, -32003, 403), (.notFound, -32004, 404), (.methodNotSupported, -32005, 405),
            (.conflict, -32009, 409), (.preconditionFailed, -32012, 412), (.payloadTooLarge, -32013, 413),
            (.tooManyRequests, -32029, 429),
            (.internalServerError, -32603, 500),
        ]
        #expect(table.count == TRPCErrorCode.allCases.count)
        for (code, number, status) in table {
            #expect(code.jsonRPCCode == number, "\(code)")
            #expect(code.httpStatus == status, "\(code)")
        }
    }
}
