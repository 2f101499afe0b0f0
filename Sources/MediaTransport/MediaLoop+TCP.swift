import NIOCore
import NIOPosix
import STUN

// ICE over TCP (RFC 6544): the loop's passive TCP port, on the same number as its UDP port. Its
// connections are children placed on this loop, so their frames enter the same demux, peers
// and rooms as datagrams do, without a lock; the egress path writes framed packets back.

extension MediaLoop {
    /// Connections one loop keeps at most (each is a socket and a partial-frame buffer).
    static let maxTCPLinks = 4096
    /// A connection's send buffer above this stops taking packets (they are dropped, as a full
    /// UDP socket would); below the low mark it takes them again.
    static let tcpWriteWatermark = WriteBufferWaterMark(low: 256 << 10, high: 1 << 20)

    /// Listens for ICE-TCP on `port` (the loop's UDP port). The children run on this loop.
    func bindTCP(host: String, port: Int) async throws {
        let channel = try await ServerBootstrap(group: eventLoop, childGroup: eventLoop)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: Self.tcpWriteWatermark)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(TCPMediaFramer()))
                    try channel.pipeline.syncOperations.addHandler(TCPMediaLink(loop: self))
                }
            }
            .bind(host: host, port: port).get()
        try await eventLoop.submit { self.tcpListener = channel }.get()
    }

    /// A new connection from `remote`: registered unless the loop is full or the address is
    /// already in use (by another connection, or by a peer bound over UDP: one address is
    /// reached one way, so egress never has to guess).
    func accept(_ link: TCPMediaLink, from remote: SocketAddress) -> Bool {
        let taken = egress.tcpLinks[remote] != nil
            || TransportAddress(remote).map { peers.peer(for: $0) != nil } ?? true
        guard egress.tcpLinks.count < Self.maxTCPLinks, !taken else {
            counters.tcpRefused += 1
            return false
        }
        egress.tcpLinks[remote] = link
        counters.tcpAccepted += 1
        return true
    }

    /// Whether a peer has bound `remote` (a valid check arrived over it).
    func isBound(_ remote: SocketAddress) -> Bool {
        TransportAddress(remote).map { peers.peer(for: $0) != nil } ?? false
    }

    /// The connection closed: its address stops routing, and a peer that sent over it loses it
    /// (media stops there; the peer goes on over another address or its consent runs out).
    func closed(_ link: TCPMediaLink, from remote: SocketAddress) {
        guard egress.tcpLinks[remote] === link else { return }
        egress.tcpLinks[remote] = nil
        counters.tcpClosed += 1
        guard let address = TransportAddress(remote), let peer = peers.peer(for: address) else { return }
        peer.lostAddress(address)
        drive(peer)
        finishBatch()
    }
}
