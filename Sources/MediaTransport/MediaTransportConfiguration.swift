import NIOCore
import SFU

/// Where media listens and how each loop is sized: one UDP port per event loop, from
/// `firstPort` upwards (0: ephemeral ports, for tests).
public struct MediaTransportConfiguration: Sendable {
    public var bindAddress: String
    public var firstPort: Int
    /// The address written into ICE candidates (defaults to `bindAddress`).
    public var announceAddress: String?
    public var loops: Int
    /// Datagrams read per `recvmmsg`.
    public var receiveBatch: Int
    /// SO_RCVBUF / SO_SNDBUF of each socket.
    public var socketBufferBytes: Int
    /// Bytes of each loop's egress slab (datagrams queued between flushes).
    public var egressSlabBytes: Int
    /// Datagrams queued before the egress path flushes on its own, mid-batch (a 1→N fan-out
    /// would otherwise hold every copy until the batch ends).
    public var egressFlushLimit: Int
    /// A session that has not connected (ICE selected, DTLS done) by then is closed.
    public var connectTimeout: Duration
    /// RFC 7675 consent: a session whose selected address had no valid check for this long closes.
    public var consentTimeout: Duration
    /// Sizes and timings of every room.
    public var room: RoomConfiguration
    /// Limits of room chat over data channels.
    public var chat: ChatConfiguration

    public static var defaultLoops: Int { System.coreCount }

    public init(bindAddress: String = "127.0.0.1", firstPort: Int = 50000,
                announceAddress: String? = nil, loops: Int = MediaTransportConfiguration.defaultLoops,
                receiveBatch: Int = 32, socketBufferBytes: Int = 4 << 20, egressSlabBytes: Int = 512 << 10,
                egressFlushLimit: Int = 32,
                connectTimeout: Duration = .seconds(30), consentTimeout: Duration = .seconds(30),
                room: RoomConfiguration = RoomConfiguration(), chat: ChatConfiguration = ChatConfiguration()) {
        self.bindAddress = bindAddress
        self.firstPort = firstPort
        self.announceAddress = announceAddress
        self.loops = max(1, loops)
        self.receiveBatch = max(1, receiveBatch)
        self.socketBufferBytes = socketBufferBytes
        self.egressSlabBytes = max(64 << 10, egressSlabBytes)
        self.egressFlushLimit = max(1, egressFlushLimit)
        self.connectTimeout = connectTimeout
        self.consentTimeout = consentTimeout
        self.room = room
        self.chat = chat
    }
}

public enum MediaTransportError: Error, CustomStringConvertible {
    case bindFailed(address: String, port: Int, underlying: any Error)
    case certificateUnavailable(String)

    public var description: String {
        switch self {
        case let .bindFailed(address, port, underlying):
            return "cannot bind media UDP \(address):\(port): \(underlying)"
        case let .certificateUnavailable(reason):
            return "no DTLS certificate: \(reason)"
        }
    }
}
