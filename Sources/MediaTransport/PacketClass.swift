/// What a datagram on the shared media port carries, by its first byte (RFC 7983 §7).
public enum PacketClass: Sendable, Equatable {
    case stun
    case zrtp
    case dtls
    case turnChannel
    case rtpOrRTCP
    case unknown

    public init(firstByte b: UInt8) {
        switch b {
        case 0...3: self = .stun
        case 16...19: self = .zrtp
        case 20...63: self = .dtls
        case 64...79: self = .turnChannel
        case 128...191: self = .rtpOrRTCP
        default: self = .unknown
        }
    }

    /// Classifies a whole datagram; an empty one is `.unknown`.
    public init<Bytes: Collection<UInt8>>(datagram: Bytes) {
        guard let first = datagram.first else { self = .unknown; return }
        self.init(firstByte: first)
    }

    /// RFC 5761 §4: with RTP and RTCP on one port, RTCP is told apart by its second byte, the
    /// packet type, which falls in 192...223 (RTP payload types with the marker bit never do
    /// for the dynamic types WebRTC uses).
    public static func isRTCP(secondByte b: UInt8) -> Bool { (192...223).contains(b) }
}
