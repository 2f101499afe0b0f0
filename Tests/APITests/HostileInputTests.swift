@testable import API
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// What a stranger can send: random and mangled bytes as the body and as the `input`
/// parameter. Every answer must be a well-formed envelope whose numbers match tRPC's table and
/// the HTTP status; nothing traps.
@Suite struct HostileInputTests {
    static let seeds: [[UInt8]] = [
        #"{"text":"hello","count":3}"#, #"{"text":"ünïcödé ✓ 🎉","count":-1}"#, #"{"text":"a"}"#,
        #"{"text":"quotes \" and \\ slashes \u00e9","count":0}"#, #"{"count":1,"text":"[{}]"}"#,
        #"{"0":{"text":"batched"},"1":{"text":"too","count":2}}"#,
    ].map { Array($0.utf8) }

    /// Checks one answer; returns true for a success envelope.
    static func check(_ response: TestResponse, batch: Bool, case hostile: HostileCase) -> Bool? {
        let label = "case \(hostile.index) (\(hostile.kind))"
        guard let json = response.json else {
            Issue.record("\(label): body is not JSON: \(response.text.prefix(200))")
            return nil
        }
        // Request-level refusals are single objects even for a batch.
        let envelopes: [JSONValue]
        if case .array(let items) = json {
            #expect(batch, "\(label): array for a single call")
            envelopes = items
        } else {
            envelopes = [json]
        }
        var statuses = Set<Int>()
        var succeeded = false
        for envelope in envelopes {
            if envelope["result"] != nil {
                #expect(envelope["result"]?["data"]?["text"]?.string != nil, "\(label)")
                statuses.insert(200)
                succeeded = true
            } else if let name = expectErrorEnvelope(envelope), let code = TRPCErrorCode(rawValue: name) {
                #expect([.parseError, .badRequest, .payloadTooLarge].contains(code), "\(label): \(name)")
                statuses.insert(code.httpStatus)
            }
        }
        let expected = statuses.count == 1 ? statuses.first ?? 0 : 207
        #expect(Int(response.status.code) == expected, "\(label)")
        return succeeded
    }

    @Test func hostileBodiesAlwaysGetAnEnvelope() async throws {
        try await APIHarness.withApp { client in
            var successes = 0
            var failures = 0
            for hostile in HostileInput(seeds: Self.seeds, count: 10_000, seed: 0xA91) {
                let batch = hostile.index % 3 == 0
                let uri = batch ? "/api/trpc/demo.echoPost,demo.echoPost?batch=1" : "/api/trpc/demo.echoPost"
                let response = try await client.executeRequest(uri: uri, method: .post, headers: [:],
                                                               body: ByteBuffer(bytes: hostile.bytes))
                switch Self.check(response, batch: batch, case: hostile) {
                case true: successes += 1
                case false: failures += 1
                case nil: return
                }
            }
            #expect(successes > 100)
            #expect(failures > 100)
        }
    }

    @Test func hostileInputParametersAlwaysGetAnEnvelope() async throws {
        try await APIHarness.withApp { client in
            var successes = 0
            var failures = 0
            // Up to 20 KB (60 KB encoded): a URL beyond NIO's 80 KiB request-head limit never
            // reaches the router, so longer cases would only test the test client.
            for hostile in HostileInput(seeds: Self.seeds, count: 10_000, seed: 0xA92, maxLength: 20_000) {
                let batch = hostile.index % 3 == 0
                let path = batch ? "demo.echo,demo.echo?batch=1&" : "demo.echo?"
                // Half percent-encoded like a client would; half with every printable byte left
                // raw (stray `%`, `&`, `+`, `=`), as far as an HTTP parser lets a URL through.
                let input = hostile.index % 2 == 0 ? APIHarness.encodeQuery(hostile.bytes) : Self.looselyEncoded(hostile.bytes)
                let response = try await client.executeRequest(uri: "/api/trpc/" + path + "input=" + input,
                                                               method: .get, headers: [:], body: nil)
                switch Self.check(response, batch: batch, case: hostile) {
                case true: successes += 1
                case false: failures += 1
                case nil: return
                }
            }
            #expect(successes > 100)
            #expect(failures > 100)
        }
    }

    static func looselyEncoded(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 3)
        for byte in bytes {
            if (0x21...0x7E).contains(byte), byte != UInt8(ascii: "#") {
                out.append(byte)
            } else {
                out += Array(APIHarness.encodeQuery([byte]).utf8)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func deeplyNestedJSONIsRefusedNotFollowed() async throws {
        try await APIHarness.withApp { client in
            let deep = String(repeating: "[", count: 60_000) + String(repeating: "]", count: 60_000)
            let response = try await APIHarness.post(client, "demo.echoPost", body: String(deep.prefix(65_000)))
            #expect(response.status == .badRequest)
            expectErrorEnvelope(response.json, code: "PARSE_ERROR")
            let nested = String(repeating: #"{"a":"#, count: 10_000) + "1" + String(repeating: "}", count: 10_000)
            let valid = try await APIHarness.post(client, "demo.echoPost", body: nested)
            #expect(valid.status == .badRequest)
            expectErrorEnvelope(valid.json)
        }
    }

    @Test func hostileAuthorizationHeadersNeverAuthenticate() async throws {
        let token = try await APIHarness.token(for: APIHarness.ana)
        try await APIHarness.withApp { client in
            var rejected = 0
            var accepted = 0
            for hostile in HostileInput(seeds: [Array(token.utf8)], count: 2_000, seed: 0xA93) {
                // Every 100th case is the untouched token, so both outcomes are exercised.
                let bytes = hostile.index % 100 == 0 ? Array(token.utf8) : hostile.bytes
                let value = String(decoding: bytes.filter { $0 >= 0x21 && $0 < 0x7F }, as: UTF8.self)
                let response = try await APIHarness.get(client, "demo.whoami", headers: [.authorization: "Bearer " + value])
                if response.status == .ok {
                    // Only the token itself (or one jwt-kit reads identically) may pass.
                    #expect(response.json?["result"]?["data"]?["id"]?.string == "u-1")
                    accepted += 1
                } else {
                    #expect(response.status == .unauthorized, "case \(hostile.index)")
                    expectErrorEnvelope(response.json, code: "UNAUTHORIZED")
                    rejected += 1
                }
            }
            #expect(rejected > 1000)
            #expect(accepted > 0)
        }
    }
}

/// The small text parsers of the wire layer, each against the same mangled inputs.
@Suite struct HostileTextTests {
    @Test func percentDecodingNeverGrowsAndRoundTrips() {
        var decodedSome = 0
        var leftSome = 0
        let seeds = [Array("%7B%22a%22%3A1%7D".utf8), Array("plain+text%2Bplus".utf8), Array("%E2%9C%93%zz%".utf8)]
        for hostile in HostileInput(seeds: seeds, count: 10_000, seed: 0xB01, maxLength: 4000) {
            let text = Substring(String(decoding: hostile.bytes, as: UTF8.self))
            let decoded = PercentDecoding.decode(text, plusAsSpace: true)
            #expect(decoded.count <= text.utf8.count)
            if decoded.count < text.utf8.count { decodedSome += 1 } else { leftSome += 1 }
            // Encoding what came out and decoding again gives the same bytes.
            #expect(PercentDecoding.decode(Substring(APIHarness.encodeQuery(decoded)), plusAsSpace: true) == decoded)
        }
        #expect(decodedSome > 100 && leftSome > 100)
    }

    @Test func ipv6PrefixIsFourHexGroupsOrNothing() {
        var parsed = 0
        var refused = 0
        let seeds = ["2001:db8::1", "fe80::1%eth0", "::ffff:192.0.2.1", "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "::"].map { Array($0.utf8) }
        for hostile in HostileInput(seeds: seeds, count: 20_000, seed: 0xB02, maxLength: 200) {
            let text = String(decoding: hostile.bytes, as: UTF8.self)
            if let prefix = IPv6Prefix.first64Bits(of: text) {
                let groups = prefix.split(separator: ":", omittingEmptySubsequences: false)
                #expect(groups.count == 4, "\(text) -> \(prefix)")
                #expect(groups.allSatisfy { (1...4).contains($0.count) && $0.allSatisfy { "0123456789abcdef".contains($0) } })
                parsed += 1
            } else {
                refused += 1
            }
        }
        #expect(parsed > 100 && refused > 100)
    }

    @Test(arguments: [
        ("2001:db8::1", "2001:db8:0:0"), ("2001:DB8:0:1:2:3:4:5", "2001:db8:0:1"), ("::1", "0:0:0:0"),
        ("fe80::1%eth0", "fe80:0:0:0"), ("2001:0db8:0001:0002:ffff::9", "2001:db8:1:2"),
    ] as [(String, String)])
    func ipv6PrefixExamples(address: String, prefix: String) {
        #expect(IPv6Prefix.first64Bits(of: address) == prefix)
    }

    @Test(arguments: ["1.2.3.4", "::ffff:1.2.3.4", "2001:db8::1::2", "1:2:3:4:5:6:7:8:9", "12345::", "g::1", "１::1", ""])
    func ipv6PrefixRefusals(address: String) {
        #expect(IPv6Prefix.first64Bits(of: address) == nil)
    }

    @Test func requestTargetReadsNamesBatchAndInput() {
        let target = TRPCRequestTarget(path: "/api/trpc/a.b%2Cc.d,e.f", prefix: "/api/trpc",
                                       query: "x=1&batch=1&input=%7B%7D&input=ignored&batch=0")
        #expect(target.isBatch)
        #expect(target.names == ["a.b", "c.d", "e.f"])
        #expect(target.decodedInput() == Array("{}".utf8))
        let single = TRPCRequestTarget(path: "/api/trpc/a.b", prefix: "/api/trpc", query: "batch=true&input=")
        #expect(!single.isBatch)
        #expect(single.names == ["a.b"])
        #expect(single.decodedInput() == nil)
    }

    @Test func requestTargetNeverTraps() {
        var batches = 0
        var singles = 0
        let seeds = ["/api/trpc/a.b,c.d?batch=1&input=%7B%7D", "/api/trpc/x?input=%22%22", "/api/trpc?"].map { Array($0.utf8) }
        for hostile in HostileInput(seeds: seeds, count: 10_000, seed: 0xB03, maxLength: 2000) {
            let text = String(decoding: hostile.bytes, as: UTF8.self)
            let parts = text.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
            let target = TRPCRequestTarget(path: String(parts.first ?? ""), prefix: "/api/trpc",
                                           query: parts.count > 1 ? String(parts[1]) : nil)
            #expect(!target.names.isEmpty)
            if target.isBatch { batches += 1 } else { singles += 1; #expect(target.names.count == 1) }
            #expect((target.decodedInput()?.count ?? 0) <= text.utf8.count)
        }
        #expect(batches > 100 && singles > 100)
    }
}
