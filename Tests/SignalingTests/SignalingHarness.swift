import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWebSocket
import Logging
import ServiceLifecycle
import SFU
@testable import Signaling

/// A signaling server over a fake media plane, with a fixed clock and a known key.
struct SignalingHarness {
    static let key = RoomTokenKey(secret: "test-secret-0123456789abcdef0123")!
    static let otherKey = RoomTokenKey(secret: "another-secret-0123456789abcdef0")!
    /// The harness clock: 2030-01-01T00:00:00Z.
    static let now = Date(timeIntervalSince1970: 1_893_456_000)

    let media = FakeMediaPlane()
    let service: SignalingService
    let signer: RoomTokenSigner

    init(configuration: SignalingConfiguration = SignalingConfiguration(now: { SignalingHarness.now })) async throws {
        let verifier = await RoomTokenVerifier(key: Self.key)
        signer = await RoomTokenSigner(key: Self.key)
        service = try SignalingService(mediaPlane: media, tokens: verifier, configuration: configuration)
    }

    /// A valid token, one hour long from the harness clock.
    func token(room: String = "studio", user: String = "alice", role: RoomRole = .host,
               lifetime: Duration = .seconds(3600), issuedAt: Date = SignalingHarness.now,
               name: String? = nil) async throws -> String {
        try await signer.sign(user: user, room: room, role: role, lifetime: lifetime, now: issuedAt, name: name)
    }

    /// HTTP and WebSocket on one router, on 127.0.0.1; with `separateRouters`, the way
    /// `chobi-server serve` wires it: HTTP routes on a `Router<BasicRequestContext>`, `/rtc` on a
    /// WebSocket router of its own.
    func application(separateRouters: Bool = false,
                     onServerRunning: @escaping @Sendable (Int) -> Void = { _ in }) -> any ApplicationProtocol {
        let configuration = ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0))
        let webSocketConfiguration = SignalingService.webSocketServerConfiguration(service.configuration)
        let logger = Logger(label: "signaling-test")
        let webSocketRouter = Router(context: BasicWebSocketRequestContext.self)
        guard separateRouters else {
            service.registerAllRoutes(on: webSocketRouter)
            return Application(router: webSocketRouter,
                               server: .http1WebSocketUpgrade(webSocketRouter: webSocketRouter, configuration: webSocketConfiguration),
                               configuration: configuration, services: [service],
                               onServerRunning: { onServerRunning($0.localAddress?.port ?? 0) }, logger: logger)
        }
        let router = Router()
        service.registerRoutes(on: router)
        service.registerWebSocketRoutes(on: webSocketRouter)
        return Application(router: router,
                           server: .http1WebSocketUpgrade(webSocketRouter: webSocketRouter, configuration: webSocketConfiguration),
                           configuration: configuration, services: [service],
                           onServerRunning: { onServerRunning($0.localAddress?.port ?? 0) }, logger: logger)
    }

    /// Runs the application (and the signaling service) on 127.0.0.1 for `body`, which gets the
    /// port; then shuts it down gracefully, as SIGTERM would.
    @discardableResult
    func withLiveServer<Value: Sendable>(separateRouters: Bool = false,
                                         _ body: @Sendable (Int) async throws -> Value) async throws -> Value {
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = application(separateRouters: separateRouters) { port in portContinuation.yield(port) }
        let group = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: "signaling-test")))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            do {
                let value = try await body(port)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return value
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }
}
