import NIOCore
import STUN

/// What a peer's driver hands its loop after a run: datagrams to send, and what only the loop can
/// act on because it concerns the room, the routing table or other peers.
enum PeerOutput {
    /// A STUN response or a DTLS flight (media never goes this way: it is sent from the room).
    case transmit([UInt8], to: SocketAddress)
    /// ICE has a selection and SRTP is keyed: the session is connected (said once).
    case connected
    /// The address's consent ran out: it no longer routes to this peer.
    case addressRevoked(TransportAddress)
    /// The session cannot go on (handshake failed, consent expired, never connected).
    case failed(reason: String)
    /// A chat line from the peer's `chat` channel that passed the peer's own checks.
    case chat(String)
    /// The peer opened its `chat` channel.
    case chatOpened
    /// Something the loop counts in its datagram counters.
    case counted(PeerCounter)
}

enum PeerCounter {
    case dataChannelMessage, dataChannelRefused, dataChannelSendFailed, chatRefused
}

/// What a driver's DTLS and SCTP hand each other: queued in the driver, delivered by its run, so
/// neither core ever calls into the other.
enum PeerRecord {
    /// DTLS application data: an SCTP packet from the peer.
    case toSCTP([UInt8])
    /// An SCTP packet for the peer, to send as DTLS application data.
    case toDTLS([UInt8])
}
