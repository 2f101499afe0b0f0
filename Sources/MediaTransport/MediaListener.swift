import NIOCore

/// The pipeline end of a loop's socket: hands each datagram to the loop and closes the read
/// batch (one flush per batch) when NIO says the batch is over.
final class MediaListener: ChannelInboundHandler, @unchecked Sendable {
    // @unchecked: created for one channel and used only on its event loop.
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let loop: MediaLoop

    init(loop: MediaLoop) { self.loop = loop }

    func handlerAdded(context: ChannelHandlerContext) {
        loop.egress.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        loop.egress.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        loop.receive(unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        loop.finishBatch()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A UDP socket error (e.g. ICMP unreachable surfaced by the kernel) belongs to no peer;
        // the channel stays open.
        loop.logger.notice("media socket error", metadata: ["error": "\(error)"])
    }
}
