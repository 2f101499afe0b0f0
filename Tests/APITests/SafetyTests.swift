@testable import API
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

/// Request size limit, rate limits (virtual time), client addresses.
@Suite struct SafetyTests {
    @Test func bodyOverTheLimitIsPayloadTooLarge() async throws {
        try await APIHarness.withApp(APIHarness.configuration(maxInputBytes: 1024)) { client in
            let padded = #"{"text":"\#(String(repeating: "a", count: 1025))"}"#
            let response = try await APIHarness.post(client, "demo.echoPost", body: padded)
            #expect(response.status == .contentTooLarge)
            #expect(response.text == #"{"error":{"code":-32013,"data":{"code":"PAYLOAD_TOO_LARGE","httpStatus":413},"message":"Request is larger than 1024 bytes"}}"#)
        }
    }

    @Test func bodyExactlyAtTheLimitIsServed() async throws {
        try await APIHarness.withApp(APIHarness.configuration(maxInputBytes: 1024)) { client in
            let json = #"{"text":"x"}"#
            let atLimit = json + String(repeating: " ", count: 1024 - json.utf8.count)
            let response = try await APIHarness.post(client, "demo.echoPost", body: atLimit)
            #expect(response.status == .ok)
            let over = try await APIHarness.post(client, "demo.echoPost", body: atLimit + " ")
            #expect(over.status == .contentTooLarge)
        }
    }

    @Test func inputParameterOverTheLimitIsPayloadTooLarge() async throws {
        try await APIHarness.withApp(APIHarness.configuration(maxInputBytes: 1024)) { client in
            let big = #"{"text":"\#(String(repeating: "é", count: 600))"}"#
            let response = try await APIHarness.get(client, "demo.echo", input: big)
            #expect(response.status == .contentTooLarge)
            expectErrorEnvelope(response.json, code: "PAYLOAD_TOO_LARGE", path: .some(nil))
            let small = try await APIHarness.get(client, "demo.echo", input: #"{"text":"é"}"#)
            #expect(small.status == .ok)
        }
    }

    @Test func endlessBodyIsCutAtTheLimit() async {
        let body = EndlessBody(chunkSize: 1000)
        let outcome = await BoundedBodyReader.read(body, limit: 10_000)
        #expect(outcome == .tooLarge)
        // Ten chunks fit; the eleventh crosses the limit; then the rest is dropped until more than
        // the discard bound has gone by (so a client that writes first can finish), and no more.
        #expect(body.pulled == 10 + RefusedBody.maxDiscardBytes / 1000 + 1)
    }

    @Test func perAddressLimitAnswersTooManyRequestsWithRetryAfter() async throws {
        let clock = SharedVirtualClock()
        let configuration = APIHarness.configuration(clock: clock, perAddress: RateLimit(ratePerSecond: 0.5, burst: 2),
                                                     clientAddress: .forwardedFor(.everyone))
        try await APIHarness.withApp(configuration) { client in
            let from1: HTTPFields = APIHarness.forwarded("198.51.100.1")
            for _ in 0..<2 { #expect(try await APIHarness.get(client, "demo.hello", headers: from1).status == .ok) }
            let refused = try await APIHarness.get(client, "demo.hello", headers: from1)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] == "2")
            #expect(refused.text == #"{"error":{"code":-32029,"data":{"code":"TOO_MANY_REQUESTS","httpStatus":429},"message":"Too many requests, retry in 2 s"}}"#)
            // Another address has its own bucket.
            let from2: HTTPFields = APIHarness.forwarded("10.0.0.1, 198.51.100.2")
            #expect(try await APIHarness.get(client, "demo.hello", headers: from2).status == .ok)
            // After Retry-After (virtual time), the first address is served again.
            clock.advance(by: .seconds(1))
            #expect(try await APIHarness.get(client, "demo.hello", headers: from1).status == .tooManyRequests)
            clock.advance(by: .seconds(1))
            #expect(try await APIHarness.get(client, "demo.hello", headers: from1).status == .ok)
        }
    }

    @Test func aBatchCostsOneTokenPerCall() async throws {
        let clock = SharedVirtualClock()
        let configuration = APIHarness.configuration(clock: clock, perAddress: RateLimit(ratePerSecond: 1, burst: 3))
        try await APIHarness.withApp(configuration) { client in
            let batch = try await client.executeRequest(uri: "/api/trpc/demo.hello,demo.hello,demo.hello?batch=1",
                                                        method: .get, headers: [:], body: nil)
            #expect(batch.status == .ok)
            let next = try await APIHarness.get(client, "demo.hello")
            #expect(next.status == .tooManyRequests)
            #expect(next.headers[.retryAfter] == "1")
        }
    }

    @Test func perUserLimitFollowsTheTokenNotTheAddress() async throws {
        let clock = SharedVirtualClock()
        let configuration = APIHarness.configuration(clock: clock, perUser: RateLimit(ratePerSecond: 0.25, burst: 1))
        let ana = try await APIHarness.token(for: APIHarness.ana)
        let ben = try await APIHarness.token(for: APIHarness.ben)
        try await APIHarness.withApp(configuration) { client in
            #expect(try await APIHarness.get(client, "demo.whoami", headers: APIHarness.bearer(ana)).status == .ok)
            let refused = try await APIHarness.get(client, "demo.whoami", headers: APIHarness.bearer(ana))
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] == "4")
            expectErrorEnvelope(refused.json, code: "TOO_MANY_REQUESTS")
            #expect(try await APIHarness.get(client, "demo.whoami", headers: APIHarness.bearer(ben)).status == .ok)
            // Anonymous calls from the same address are not charged to any user.
            #expect(try await APIHarness.get(client, "demo.hello").status == .ok)
            clock.advance(by: .seconds(4))
            #expect(try await APIHarness.get(client, "demo.whoami", headers: APIHarness.bearer(ana)).status == .ok)
        }
    }

    @Test func ipv6ClientsShareTheirSlash64Bucket() async throws {
        let configuration = APIHarness.configuration(perAddress: RateLimit(ratePerSecond: 0.01, burst: 1),
                                                     clientAddress: .forwardedFor(.everyone))
        try await APIHarness.withApp(configuration) { client in
            let first: HTTPFields = APIHarness.forwarded("2001:db8:1:2::1")
            let sameNetwork: HTTPFields = APIHarness.forwarded("2001:0db8:0001:0002:ffff::9")
            let otherNetwork: HTTPFields = APIHarness.forwarded("2001:db8:1:3::1")
            let firstAnswer = try await APIHarness.get(client, "demo.hello", headers: first)
            let sameNetworkAnswer = try await APIHarness.get(client, "demo.hello", headers: sameNetwork)
            let otherNetworkAnswer = try await APIHarness.get(client, "demo.hello", headers: otherNetwork)
            #expect(firstAnswer.status == .ok)
            #expect(sameNetworkAnswer.status == .tooManyRequests)
            #expect(otherNetworkAnswer.status == .ok)
        }
    }

    @Test func liveServerSeesTheConnectionAddress() async throws {
        let router = Router(context: AddressedRequestContext.self)
        await APIHarness.demoRouter(APIHarness.configuration()).mount(on: router)
        let token = try await APIHarness.token(for: APIHarness.ana)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              logger: APIHarness.quietLogger)
        try await app.test(.live) { client in
            let response = try await APIHarness.get(client, "demo.whoami", headers: APIHarness.bearer(token))
            #expect(response.status == .ok)
            #expect(response.json?["result"]?["data"]?["address"]?.string == "127.0.0.1")
        }
    }
}

/// A request context that knows the TCP peer, as the server's own context should.
struct AddressedRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// A request body that never ends, counting the chunks read from it.
final class EndlessBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let chunkSize: Int
    private let count = Mutex(0)

    init(chunkSize: Int) { self.chunkSize = chunkSize }

    var pulled: Int { count.withLock { $0 } }

    struct AsyncIterator: AsyncIteratorProtocol {
        let body: EndlessBody
        mutating func next() async throws -> ByteBuffer? {
            body.count.withLock { $0 += 1 }
            return ByteBuffer(repeating: 0x20, count: body.chunkSize)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(body: self) }
}
