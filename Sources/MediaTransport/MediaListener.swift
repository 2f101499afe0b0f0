import NIOCore
import NIOPosix
import Logging

/// One UDP socket bound on one event loop. Every peer whose room lives on that loop shares it
/// (one port per core), so a room's packets never cross threads.
final class MediaListener: ChannelInboundHandler, @unchecked Sendable {
    // @unchecked: state is touched only on `eventLoop`; `snapshot()` hops there to read it.
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    let eventLoop: EventLoop
    private var counters = DatagramCounters()
    private let logger: Logger

    init(eventLoop: EventLoop, logger: Logger) {
        self.eventLoop = eventLoop
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let cls = envelope.data.readableBytesView.first.map(PacketClass.init(firstByte:)) ?? .unknown
        counters.count(cls)
        // No peer can own a datagram until PeerConnections exist; drop it, counted.
        counters.dropped += 1
    }

    func snapshot() -> EventLoopFuture<DatagramCounters> {
        eventLoop.submit { self.counters }
    }
}
