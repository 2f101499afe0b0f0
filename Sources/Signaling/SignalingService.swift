import Hummingbird
import HummingbirdWebSocket
import Logging
import SFU
import ServiceLifecycle

/// The signaling endpoints and the background work they need, as one ServiceLifecycle service.
///
/// Register its routes on the HTTP router (`registerRoutes`) and the WebSocket router
/// (`registerWebSocketRoutes`), and run it in the same `ServiceGroup` as the `Application`:
/// `run()` follows every WHIP/WHEP session's media events (so a session that ends by itself,
/// e.g. ICE consent lost, frees its resource URL) and, on graceful shutdown, closes them all.
public struct SignalingService: Service {
    public let hub: SignalingHub
    /// What a member is sent right after `joined` (set by the chat service).
    public let welcome = RoomWelcome()
    let mediaPlane: any MediaPlane
    let tokens: RoomTokenVerifier
    let configuration: SignalingConfiguration
    let registry = HTTPSessionRegistry()
    /// Nil when `servesWebClient` is off.
    let webClient: WebClient?
    private let watches: AsyncStream<Watch>
    private let watchContinuation: AsyncStream<Watch>.Continuation

    struct Watch: Sendable {
        var resource: String
        var session: PeerSessionID
    }

    /// Reads the web client's files when `servesWebClient` is on; throws if one is missing.
    public init(mediaPlane: any MediaPlane, tokens: RoomTokenVerifier,
                configuration: SignalingConfiguration = .init(), hub: SignalingHub = SignalingHub()) throws(WebClientError) {
        webClient = configuration.servesWebClient ? try WebClient() : nil
        self.mediaPlane = mediaPlane
        self.tokens = tokens
        self.configuration = configuration
        self.hub = hub
        (watches, watchContinuation) = AsyncStream.makeStream(of: Watch.self)
    }

    /// The WebSocket server settings signaling needs: frames up to `maxMessageBytes` (bigger
    /// frames are refused with close code 1009 by the frame decoder).
    public static func webSocketServerConfiguration(_ configuration: SignalingConfiguration = .init())
        -> HTTP1WebSocketUpgradeChannel.Configuration {
        .init(ws: WebSocketServerConfiguration(maxFrameSize: configuration.maxMessageBytes))
    }

    // MARK: routes

    /// `GET /` and the page's `app.css`, `app.js`, `live.js` (when `servesWebClient`), and the WHIP/WHEP endpoints and resources.
    public func registerRoutes<Context: RequestContext>(on router: Router<Context>) {
        let handler = wishHandler
        let responses = handler.responses
        for endpoint in WISHEndpoint.allCases {
            let base = RouterPath(stringLiteral: "/\(endpoint.pathSegment)/:room")
            let item = RouterPath(stringLiteral: "/\(endpoint.pathSegment)/:room/:resource")
            router.post(base) { request, context in
                await handler.create(request, endpoint: endpoint, room: context.parameters.get("room") ?? "")
            }
            router.on(base, method: .options) { _, _ in responses.preflight(resource: false) }
            for method in [HTTPRequest.Method.get, .put, .patch, .delete] {
                router.on(base, method: method) { _, _ in responses.methodNotAllowed(resource: false) }
            }
            router.delete(item) { request, context in
                await handler.delete(request, endpoint: endpoint, room: context.parameters.get("room") ?? "",
                                     resource: context.parameters.get("resource") ?? "")
            }
            router.patch(item) { request, context in
                await handler.patch(request, endpoint: endpoint, room: context.parameters.get("room") ?? "",
                                    resource: context.parameters.get("resource") ?? "")
            }
            router.on(item, method: .options) { _, _ in responses.preflight(resource: true) }
            for method in [HTTPRequest.Method.get, .put, .post] {
                router.on(item, method: method) { _, _ in responses.methodNotAllowed(resource: true) }
            }
        }
        for file in webClient?.files ?? [] {
            router.get(RouterPath(stringLiteral: file.route)) { request, _ in WebClient.response(file, to: request) }
        }
    }

    /// `GET /rtc` WebSocket upgrade (token in `?token=` or in the `join` message).
    public func registerWebSocketRoutes<Context: WebSocketRequestContext & RequestContext>(on router: Router<Context>) {
        let mediaPlane = self.mediaPlane
        let tokens = self.tokens
        let hub = self.hub
        let welcome = self.welcome
        let configuration = self.configuration
        router.ws("/rtc") { _, _ in
            .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            let urlToken = context.request.uri.queryParameters["token"].map(String.init)
            let connection = SignalingConnection(mediaPlane: mediaPlane, tokens: tokens, hub: hub, welcome: welcome,
                                                 configuration: configuration, urlToken: urlToken,
                                                 outbound: outbound, logger: context.logger)
            try await connection.run(inbound: inbound)
        }
    }

    /// Both of the above on one router, for an `Application` whose HTTP and WebSocket router is
    /// the same `Router<BasicWebSocketRequestContext>`.
    public func registerAllRoutes<Context: WebSocketRequestContext & RequestContext>(on router: Router<Context>) {
        registerRoutes(on: router)
        registerWebSocketRoutes(on: router)
    }

    var wishHandler: WISHHandler {
        let continuation = watchContinuation
        return WISHHandler(mediaPlane: mediaPlane, tokens: tokens, configuration: configuration, hub: hub,
                           registry: registry) { resource, session in
            continuation.yield(Watch(resource: resource, session: session))
        }
    }

    // MARK: service

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            await withGracefulShutdownHandler {
                for await watch in watches {
                    group.addTask { await follow(watch) }
                }
            } onGracefulShutdown: {
                watchContinuation.finish()
            }
            // Shutting down: end every WHIP/WHEP session; their event streams then finish.
            for entry in await registry.removeAll() {
                await hub.leave(room: entry.room, participant: entry.participant.participant)
                await mediaPlane.closeSession(entry.session)
            }
            group.cancelAll()
        }
    }

    /// Drains one session's events until it closes, then forgets its resource URL (unless a
    /// DELETE already did).
    private func follow(_ watch: Watch) async {
        for await event in mediaPlane.events(of: watch.session) {
            if case .closed = event { break }
        }
        if let entry = await registry.remove(watch.resource) {
            await hub.leave(room: entry.room, participant: entry.participant.participant)
            await mediaPlane.closeSession(entry.session)
        }
    }
}
