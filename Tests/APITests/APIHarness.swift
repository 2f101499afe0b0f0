import API
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import TestSupport
import Testing

/// A virtual clock several tasks can read: the rate limiter reads it, the test moves it.
final class SharedVirtualClock: Sendable {
    private let clock = Mutex(VirtualClock())

    func advance(by step: Duration) { clock.withLock { $0.advance(by: step) } }

    var monotonic: MonotonicClock {
        MonotonicClock { [self] in self.clock.withLock { $0.now } }
    }
}

// MARK: the demo procedures every contract test talks to

struct HelloInput: Codable, Sendable { var name: String? }
struct Greeting: Codable, Sendable, Equatable { var greeting: String }
struct CreatePostInput: Codable, Sendable {
    var title: String
    var body: String?
    var tags: [String]?
    var limit: Int?
}
struct Post: Codable, Sendable, Equatable {
    var id: Int
    var title: String
}
struct EchoInput: Codable, Sendable, Equatable {
    var text: String
    var count: Int?
}
struct WhoAmI: Codable, Sendable, Equatable {
    var id: String
    var username: String
    var address: String
}

/// An error a store might throw, with details a client must never see.
struct StoreFailure: Error, CustomStringConvertible {
    var description: String { "SQLITE_CORRUPT at /var/lib/chobi/chobi.sqlite (password=hunter2)" }
}

enum APIHarness {
    static let key: [UInt8] = Array("api-tests-secret-0123456789abcdef".utf8)
    static let prefix = "/api/trpc"
    /// Wall-clock "now" of every test: tokens are signed and checked against it.
    static let now = Date(timeIntervalSince1970: 1_750_000_000)
    static let ana = AuthenticatedUser(id: "u-1", username: "ana")
    static let ben = AuthenticatedUser(id: "u-2", username: "ben")

    /// No rate limits unless a test asks: contract tests send many requests from one address.
    static func configuration(clock: SharedVirtualClock = SharedVirtualClock(),
                              perAddress: RateLimit? = nil, perUser: RateLimit? = nil,
                              maxInputBytes: Int = 64 * 1024,
                              clientAddress: ClientAddressSource = .connection,
                              cors: CORSAllowList = .sameOriginOnly) -> TRPCConfiguration {
        TRPCConfiguration(maxInputBytes: maxInputBytes, perAddressLimit: perAddress, perUserLimit: perUser,
                          clientAddress: clientAddress, cors: cors, clock: clock.monotonic,
                          wallClock: { APIHarness.now })
    }

    static func demoRouter(_ configuration: TRPCConfiguration) async -> TRPCRouter {
        var api = TRPCRouter(tokens: await UserTokenVerifier(key: key), configuration: configuration)
        api.query("demo.hello") { (input: HelloInput?, _) in
            Greeting(greeting: "Hello, \(input?.name ?? "world")")
        }
        api.query("demo.whoami", access: .user) { (_: TRPCNoInput, context) in
            let user = try context.requireUser()
            return WhoAmI(id: user.id, username: user.username, address: context.clientAddress)
        }
        api.query("demo.viewer") { (_: TRPCNoInput, context) in
            context.user?.username ?? "anonymous"
        }
        api.mutation("demo.createPost", access: .user) { (input: CreatePostInput, _) throws(TRPCError) in
            try InputValidation.length(input.title, field: "title", in: 1...120)
            if let limit = input.limit { try InputValidation.range(limit, field: "limit", in: 1...100) }
            return Post(id: 7, title: input.title)
        }
        api.mutation("demo.forbidden") { (_: TRPCNoInput, _) -> Bool in
            throw TRPCError.forbidden("Only the host may end this session")
        }
        api.mutation("demo.conflict") { (_: TRPCNoInput, _) -> Bool in
            throw TRPCError.conflict("Username is taken")
        }
        api.query("demo.crash") { (_: TRPCNoInput, _) -> Bool in
            throw StoreFailure()
        }
        api.query("demo.nan") { (_: TRPCNoInput, _) in Double.nan }
        api.query("demo.echo") { (input: EchoInput, _) in input }
        api.mutation("demo.echoPost") { (input: EchoInput, _) in input }
        return api
    }

    static func withApp(_ configuration: TRPCConfiguration = APIHarness.configuration(),
                        _ test: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let router = Router(context: BasicRequestContext.self)
        await demoRouter(configuration).mount(on: router)
        let app = Application(router: router, logger: quietLogger)
        try await app.test(.router) { client in try await test(client) }
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "api-tests")
        logger.logLevel = .critical
        return logger
    }

    static func token(for user: AuthenticatedUser, lifetime: Duration = .seconds(3600), issuedAt: Date = now) async throws -> String {
        try await UserTokenSigner(key: key).sign(user, lifetime: lifetime, now: issuedAt)
    }

    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    static func forwarded(_ addresses: String) -> HTTPFields {
        var fields = HTTPFields()
        if let name = HTTPFields.Element.Name("X-Forwarded-For") { fields[name] = addresses }
        return fields
    }

    /// `input` as tRPC's client sends it: JSON, then `encodeURIComponent`.
    static func encodeQuery(_ json: String) -> String {
        encodeQuery(Array(json.utf8))
    }

    static func encodeQuery(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 3)
        for byte in bytes {
            if unreserved[Int(byte)] {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// What `encodeURIComponent` leaves alone.
    private static let unreserved: [Bool] = (0..<256).map { value in
        let byte = UInt8(value)
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("-_.!~*'()".utf8).contains(byte)
        }
    }
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    static func get(_ client: any TestClientProtocol, _ path: String, input: String? = nil,
                    headers: HTTPFields = [:]) async throws -> TestResponse {
        let query = input.map { "?input=" + encodeQuery($0) } ?? ""
        return try await client.executeRequest(uri: prefix + "/" + path + query, method: .get, headers: headers, body: nil)
    }

    static func post(_ client: any TestClientProtocol, _ path: String, body: String?,
                     headers: HTTPFields = [.contentType: "application/json"]) async throws -> TestResponse {
        try await client.executeRequest(uri: prefix + "/" + path, method: .post, headers: headers,
                                        body: body.map { ByteBuffer(string: $0) })
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    var json: JSONValue? { JSONValue.parse(Array(text.utf8)) }
}

/// A parsed JSON document, for checking envelopes by structure.
enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    static func parse(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    subscript(index: Int) -> JSONValue? {
        if case .array(let items) = self, items.indices.contains(index) { return items[index] }
        return nil
    }

    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    var count: Int? {
        if case .array(let items) = self { return items.count }
        return nil
    }
}

/// The one error shape tRPC defines: checks every field against the code table and returns
/// the error's code name (nil, with a recorded issue, when the shape is wrong).
@discardableResult
func expectErrorEnvelope(_ envelope: JSONValue?, code: String? = nil, httpStatus: Int? = nil, path: String?? = nil,
                         sourceLocation: SourceLocation = #_sourceLocation) -> String? {
    guard let error = envelope?["error"], let name = error["data"]?["code"]?.string,
          let codeEnum = TRPCErrorCode(rawValue: name) else {
        Issue.record("not an error envelope: \(String(describing: envelope))", sourceLocation: sourceLocation)
        return nil
    }
    #expect(error["code"]?.number == Double(codeEnum.jsonRPCCode), sourceLocation: sourceLocation)
    #expect(error["data"]?["httpStatus"]?.number == Double(codeEnum.httpStatus), sourceLocation: sourceLocation)
    #expect(error["message"]?.string != nil, sourceLocation: sourceLocation)
    if let code { #expect(name == code, sourceLocation: sourceLocation) }
    if let httpStatus { #expect(codeEnum.httpStatus == httpStatus, sourceLocation: sourceLocation) }
    if let path { #expect(error["data"]?["path"]?.string == path, sourceLocation: sourceLocation) }
    return name
}
