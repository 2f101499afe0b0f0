/// Per-listener traffic counters. Each listener mutates its own copy on its own event loop, so the
/// packet path takes no lock; readers hop onto that loop to take a snapshot.
public struct DatagramCounters: Sendable, Equatable {
    public var received = 0
    public var stun = 0
    public var dtls = 0
    public var rtpOrRTCP = 0
    /// Datagrams no peer could own yet: unknown first byte, or (until peers exist) anything at all.
    public var dropped = 0

    public init() {}

    mutating func count(_ cls: PacketClass) {
        received += 1
        switch cls {
        case .stun: stun += 1
        case .dtls: dtls += 1
        case .rtpOrRTCP: rtpOrRTCP += 1
        case .zrtp, .turnChannel, .unknown: break
        }
    }
}
