import Foundation
import API
import Hummingbird
import LiveSessions
import Logging
import MediaTransport
import NIOCore
import Signaling
import Store

/// The control API as `chobi-server serve` runs it, on 127.0.0.1 and an ephemeral port, for the
/// `api` benchmark: the store in a fresh temp directory (with the JWT key file beside it), a
/// media plane bound to loopback, signaling, the tRPC procedures and a Hummingbird `Application`.
/// Differences from the server, all off the measured path: no rate limits (one client address
/// makes all the calls), `.http1()` instead of the WebSocket-upgrade server, no /health and
/// /metrics routes (they live in chobi-server, which cannot be imported).
struct APIBenchServer {
    let port: Int
    let store: Store
    let keyBytes: [UInt8]
    /// Where chat and gifts go to the room (the `gifts` benchmark measures its fan-out).
    let signaling: SignalingService
    /// The temp directory holding the database (and whatever a benchmark puts beside it).
    let directory: String
    private let media: MediaTransportService
    private let app: Task<Void, any Error>

    /// The request context of every route, as the server's: the TCP peer's address is what the
    /// API would key per-address rate limits on, so the lookup stays on the path even with them off.
    struct RequestContext: Hummingbird.RequestContext, RemoteAddressRequestContext {
        var coreContext: CoreRequestContextStorage
        let remoteAddress: SocketAddress?

        init(source: ApplicationRequestContextSource) {
            coreContext = .init(source: source)
            remoteAddress = source.channel.remoteAddress
        }
    }

    static func start() async throws -> APIBenchServer {
        var logger = Logger(label: "bench-api")
        // Errors only: a log line per request would measure the logger.
        logger.logLevel = .error
        let directory = NSTemporaryDirectory() + "chobi-bench-api-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        do {
            // The file key, as the server makes it on first start (no CHOBI_JWT_SECRET).
            let key = try JWTKeyStore(dataDirectory: directory).loadKey(environmentSecret: nil)
            let store = try Store.open(path: directory + "/chobi.sqlite")
            let media = MediaTransportService(
                configuration: .init(bindAddress: "127.0.0.1", firstPort: 0, loops: 1), logger: logger)
            try await media.bind()

            let signaling = try SignalingService(mediaPlane: media, tokens: await RoomTokenVerifier(key: key),
                                             configuration: SignalingConfiguration())
            let router = Router(context: RequestContext.self)
            // WHIP/WHEP as the server has them; the /rtc WebSocket needs HummingbirdWebSocket.
            signaling.registerRoutes(on: router)
            var api = TRPCRouter(tokens: await UserTokenVerifier(key: key.bytes),
                                 configuration: TRPCConfiguration(perAddressLimit: nil, perUserLimit: nil))
            // Notifications and progress as the server wires them: a gift also queues its
            // recipient's notification and both users' re-evaluation.
            let events = EventsHub()
            let notifier = Notifier(store: store, hub: events, logger: logger)
            let progress = ProgressTracker(store: store, notifier: notifier, logger: logger)
            let activity = Activity(notifier: notifier, progress: progress, events: events)
            UserProcedures(store: store, hasher: PasswordHasher(), tokens: await UserTokenSigner(key: key.bytes),
                           activity: activity)
                .register(on: &api)
            StreamingProcedures(store: store, signaling: signaling, roomTokens: await RoomTokenSigner(key: key),
                                configuration: LiveSessionsConfiguration(), activity: activity)
                .register(on: &api)
            let chat = ChatService(store: store, signaling: signaling, logger: logger, activity: activity)
            ChatProcedures(chat: chat).register(on: &api)
            GiftProcedures(chat: chat).register(on: &api)
            api.mount(on: router)
            // Video files as the server serves them (`videos` measures range requests).
            let library = VideoLibrary(store: store, directory: directory + "/videos", notifier: notifier)
            PlaybackRoute(library: library, tokens: await UserTokenVerifier(key: key.bytes)).register(on: router)
            let recorder = LiveSessionRecorder(store: store, hub: signaling.hub, logger: logger)

            let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
            // The HTTP server's own log at .critical: `stop` cancels the service group (the bench
            // has no ServiceLifecycle handle for a graceful shutdown), which HummingbirdCore
            // reports as two errors that are not failures. A real failure still fails the run: the
            // client counts every non-200 reply and every dropped connection.
            var appLogger = logger
            appLogger.logLevel = .critical
            let app = Application(
                router: router,
                server: .http1(),
                configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "chobi"),
                services: [signaling, chat, recorder, notifier, progress],
                onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? -1) },
                logger: appLogger)
            let task = Task {
                // Finishing the stream lets `start` see a server that failed before it listened.
                defer { portContinuation.finish() }
                try await app.runService(gracefulShutdownSignals: [])
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else {
                let outcome = await task.result
                try? await media.shutdown()
                throw APIBenchFailure.server("the HTTP server did not start: \(outcome)")
            }
            return APIBenchServer(port: port, store: store, keyBytes: key.bytes, signaling: signaling, directory: directory,
                                  media: media, app: task)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    /// Cancels the application's service group (it closes the listener and its connections),
    /// closes the media sockets and the database, and removes the temp directory.
    func stop() async {
        app.cancel()
        _ = await app.result
        try? await media.shutdown()
        try? store.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
