#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import API
import Hummingbird
import HummingbirdWebSocket
import Logging
import Store

/// `GET /events?token=<user token>`: one WebSocket per tab, carrying that user's live events
/// (`notification`, `unread_count`; docs/api.md). Nothing the client sends is needed: the socket
/// only listens, and a text message from the client is ignored (browsers cannot send a ping
/// frame, so a client may send text to keep a proxy's idle timer from closing it).
public struct EventsRoute: Sendable {
    let store: Store
    let hub: EventsHub
    let tokens: UserTokenVerifier
    let now: @Sendable () -> Date

    /// Client messages are never larger than a keep-alive.
    static let maxInboundBytes = 1_024

    public init(store: Store, hub: EventsHub, tokens: UserTokenVerifier, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.hub = hub
        self.tokens = tokens
        self.now = now
    }

    public func register<Context: WebSocketRequestContext & RequestContext>(on router: Router<Context>) {
        let route = self
        router.ws("/events") { _, _ in
            .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            let token = context.request.uri.queryParameters["token"].map(String.init) ?? ""
            await route.serve(token: token, inbound: inbound, outbound: outbound, logger: context.logger)
        }
    }

    private func serve(token: String, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
                       logger: Logger) async {
        let user: UUID
        do {
            let verified = try await tokens.verify(token, now: now())
            guard let id = UUID(uuidString: verified.id) else { throw UserTokenError.malformed("bad sub") }
            user = id
        } catch {
            try? await outbound.writeTextMessage(#"{"type":"error","code":"UNAUTHORIZED","message":"a valid user token is required"}"#)
            try? await outbound.close(.policyViolation, reason: "UNAUTHORIZED")
            return
        }
        let connection = hub.open(userId: user)
        let unread = (try? await store.notifications.unreadCount(userId: user)) ?? 0
        guard (try? await outbound.writeTextMessage(EventMessage.ready(userId: user, unreadCount: unread))) != nil else {
            hub.close(userId: user, id: connection.id)
            return
        }
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await text in connection.events {
                    do {
                        try await outbound.writeTextMessage(text)
                    } catch {
                        break
                    }
                }
            }
            // Until the client goes (or sends something too large: WSCore closes with 1009).
            do {
                for try await _ in inbound.messages(maxSize: Self.maxInboundBytes) {}
            } catch {
                logger.debug("events: socket failed", metadata: ["error": "\(error)"])
            }
            hub.close(userId: user, id: connection.id)
        }
    }
}
