import NIOCore

/// One ICE-TCP connection (RFC 6544, passive on our side) as the loop sees it: frames in go to
/// the loop's demux as if they were datagrams from the connection's remote address, and the
/// egress path writes framed packets to it. It lives on the loop's event loop, like the rest
/// of the packet path (the listener's children are placed there).
///
/// A connection that has not bound to a peer (a valid connectivity check) within
/// `bindTimeout` is closed: an open TCP port must not collect idle sockets. A packet for a
/// connection that cannot take more (its send buffer is over the high watermark) is dropped,
/// the way a full UDP socket drops: media must not queue behind a slow reader.
final class TCPMediaLink: ChannelInboundHandler, @unchecked Sendable {
    // @unchecked: created for one channel and used only on its event loop.
    typealias InboundIn = ByteBuffer

    static let bindTimeout: TimeAmount = .seconds(10)

    /// Weak: the loop owns its links (through the egress path), not the other way round.
    private weak var loop: MediaLoop?
    private(set) var remote: SocketAddress?
    private var context: ChannelHandlerContext?
    private var bindCheck: Scheduled<Void>?
    /// Written since the last flush.
    private var dirty = false

    init(loop: MediaLoop?) { self.loop = loop }

    // MARK: inbound

    func channelActive(context: ChannelHandlerContext) {
        self.context = context
        guard let loop, let remote = context.remoteAddress, loop.accept(self, from: remote) else {
            context.close(promise: nil)
            return
        }
        self.remote = remote
        bindCheck = context.eventLoop.scheduleTask(in: Self.bindTimeout) { [weak self] in
            guard let self, let loop = self.loop, let remote = self.remote, !loop.isBound(remote) else { return }
            loop.counters.tcpUnbound += 1
            self.context?.close(promise: nil)
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let loop, let remote else { return }
        loop.counters.tcpFramesReceived += 1
        loop.receive(AddressedEnvelope(remoteAddress: remote, data: unwrapInboundIn(data)), overTCP: true)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        loop?.finishBatch()
    }

    func channelInactive(context: ChannelHandlerContext) {
        bindCheck?.cancel()
        bindCheck = nil
        if let remote { loop?.closed(self, from: remote) }
        remote = nil
        self.context = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A reset or a framing error ends this connection only.
        loop?.counters.tcpErrors += 1
        context.close(promise: nil)
    }

    // MARK: outbound (from the egress path's flush)

    /// Queues one framed packet (length prefix included); false when it was dropped.
    func write(_ framed: ByteBuffer) -> Bool {
        guard let context, context.channel.isWritable else { return false }
        context.write(NIOAny(framed), promise: nil)
        dirty = true
        return true
    }

    /// Closes the connection (server shutdown).
    func close() {
        context?.close(promise: nil)
    }

    /// Flushes what `write` queued since the last call.
    func flushIfWritten() {
        guard dirty else { return }
        dirty = false
        context?.flush()
    }
}
