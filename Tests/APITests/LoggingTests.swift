import API
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

/// What reaches the log: internal failures with their details and request id; never a
/// password or a token, whatever happens to the request.
@Suite struct LoggingTests {
    @Test func internalErrorsAreLoggedWithRequestIDAndSecretsNeverAre() async throws {
        let records = LogRecords()
        var logger = Logger(label: "api-tests") { _ in RecordingLogHandler(records: records) }
        logger.logLevel = .trace
        var api = TRPCRouter(tokens: await UserTokenVerifier(key: APIHarness.key), configuration: APIHarness.configuration())
        api.mutation("users.login") { (input: LoginInput, _) -> Bool in
            _ = input
            throw StoreFailure()
        }
        let router = Router(context: BasicRequestContext.self)
        api.mount(on: router)
        let token = try await APIHarness.token(for: APIHarness.ana)
        let app = Application(router: router, logger: logger)
        try await app.test(.router) { client in
            let failed = try await APIHarness.post(client, "users.login", body: #"{"username":"ana","password":"pw-hunter2-secret"}"#,
                                                   headers: [.authorization: "Bearer \(token)", .contentType: "application/json"])
            #expect(failed.status == .internalServerError)
            let refused = try await APIHarness.post(client, "users.login", body: #"{"username":"ana","password":7,"x":"pw-hunter2-secret"}"#)
            #expect(refused.status == .badRequest)
            #expect(!refused.text.contains("pw-hunter2-secret"))
        }
        let lines = records.lines
        let failure = try #require(lines.first { $0.contains("procedure failed") })
        #expect(failure.hasPrefix("error"))
        #expect(failure.contains("SQLITE_CORRUPT"))
        #expect(failure.contains("hb.request.id="))
        #expect(failure.contains("trpc.path=users.login"))
        for line in lines {
            #expect(!line.contains("pw-hunter2-secret"), "\(line)")
            #expect(!line.contains(token), "\(line)")
        }
    }
}

struct LoginInput: Decodable, Sendable {
    var username: String
    var password: String
}

final class LogRecords: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ line: String) { storage.withLock { $0.append(line) } }
    var lines: [String] { storage.withLock { $0 } }
}

/// Writes every record as one line "<level> <message> key=value ...".
struct RecordingLogHandler: LogHandler {
    let records: LogRecords
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        let pairs = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        records.append("\(event.level) \(event.message) \(pairs)")
    }
}
