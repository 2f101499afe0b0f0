import NIOCore
import SFU

/// Where media listens and how each loop is sized: one UDP port per event loop, from
/// `firstPort` upwards (0: ephemeral ports, for tests), and the same TCP port for ICE-TCP.
public struct MediaTransportConfiguration: Sendable {
    /// One address, or a wildcard (`0.0.0.0`, `::`) for every interface.
    public var bindAddress: String
    public var firstPort: Int
    /// The addresses written into ICE candidates, most preferred first (IPv4 and IPv6 alike);
    /// empty: the bind address, which then may not be a wildcard.
    public var announceAddresses: [String]
    /// Whether each loop also listens for ICE over TCP (RFC 6544) on its port number.
    public var tcp: Bool
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
                announceAddresses: [String] = [], tcp: Bool = false, loops: Int = MediaTransportConfiguration.defaultLoops,
                receiveBatch: Int = 32, socketBufferBytes: Int = 4 << 20, egressSlabBytes: Int = 512 << 10,
                egressFlushLimit: Int = 32,
                connectTimeout: Duration = .seconds(30), consentTimeout: Duration = .seconds(30),
                room: RoomConfiguration = RoomConfiguration(), chat: ChatConfiguration = ChatConfiguration()) {
        self.bindAddress = bindAddress
        self.firstPort = firstPort
        self.announceAddresses = announceAddresses
        self.tcp = tcp
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

extension MediaTransportConfiguration {
    /// What candidates announce: the announce addresses, else the bind address.
    var candidateAddresses: [String] { announceAddresses.isEmpty ? [bindAddress] : announceAddresses }

    /// Refuses, before anything binds, addresses a client could not use: an announce address
    /// that is not an IP address or is a wildcard (a browser cannot send to 0.0.0.0), and a
    /// wildcard bind address with nothing announced.
    public func validate() throws(MediaTransportError) {
        guard Self.isIPAddress(bindAddress) else {
            throw .badAddress(bindAddress, "the media bind address must be an IPv4 or IPv6 address")
        }
        if announceAddresses.isEmpty, Self.isWildcard(bindAddress) {
            throw .badAddress(bindAddress, "binding to every interface needs an announce address (--announce-ip)")
        }
        for address in announceAddresses {
            guard Self.isIPAddress(address) else { throw .badAddress(address, "an announce address must be an IPv4 or IPv6 address") }
            guard !Self.isWildcard(address) else { throw .badAddress(address, "an announce address cannot be a wildcard") }
        }
    }

    static func isIPAddress(_ text: String) -> Bool {
        (try? SocketAddress(ipAddress: text, port: 0)) != nil
    }

    static func isWildcard(_ text: String) -> Bool {
        guard let address = try? SocketAddress(ipAddress: text, port: 0) else { return false }
        switch address {
        case .v4(let v4): return v4.address.sin_addr.s_addr == 0
        case .v6(let v6): return withUnsafeBytes(of: v6.address.sin6_addr) { $0.allSatisfy { $0 == 0 } }
        case .unixDomainSocket: return false
        }
    }
}

public enum MediaTransportError: Error, CustomStringConvertible {
    case bindFailed(address: String, port: Int, underlying: any Error)
    case certificateUnavailable(String)
    case badAddress(String, String)

    public var description: String {
        switch self {
        case let .badAddress(address, reason):
            return "media address \(address): \(reason)"
        case let .bindFailed(address, port, underlying):
            return "cannot bind media \(address):\(port): \(underlying)"
        case let .certificateUnavailable(reason):
            return "no DTLS certificate: \(reason)"
        }
    }
}
