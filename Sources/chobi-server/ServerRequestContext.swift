import API
import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The request context of every route: WebSocket upgrades for `/rtc`, the TCP peer's address,
/// which the API's per-IP rate limits key on, and the connection, which a refused body closes.
struct ServerRequestContext: RequestContext, WebSocketRequestContext, RemoteAddressRequestContext,
                             ConnectionClosingRequestContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<Self>
    let remoteAddress: SocketAddress?
    private let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        remoteAddress = source.channel.remoteAddress
        channel = source.channel
    }

    func closeConnection() {
        channel.close(promise: nil)
    }
}
