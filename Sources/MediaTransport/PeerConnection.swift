import DTLS
import ICE
import NIOCore
import SCTP
import SDP
import SFU
import SRTP
import STUN

/// One client's peer connection: its ICE-lite agent, DTLS endpoint and (once DTLS connects)
/// SRTP session, the addresses it proved it owns, its participant in the room, and its
/// negotiation state. A state container driven by its `MediaLoop`; it lives on that loop only.
final class PeerConnection {
    let id: PeerSessionID
    let participantName: String
    /// Who the session's token names, for stamping chat (`displayName` only when the token has one).
    let user: String
    let displayName: String?
    let participantID: ParticipantID
    let role: RoomRole
    let intent: PeerIntent
    /// Strong while the session lives; the room drops the peer when it closes.
    let room: RoomHost

    var ice: ICELiteAgent
    let dtls: DTLSEndpoint
    private(set) var srtp: SRTPSession?

    /// Where media goes: the ICE-selected address, as NIO wants it (converted once per selection).
    private(set) var destination: SocketAddress?
    /// Where DTLS answers go before a selection: the last authorized address DTLS came from.
    var dtlsReturnAddress: SocketAddress?
    /// Socket addresses of the remote addresses bound to this peer.
    private(set) var socketAddresses: [TransportAddress: SocketAddress] = [:]

    /// Negotiation: our transport identity, the sections agreed so far, and a pending server offer.
    var identity: LocalIdentity
    var sessionVersion: UInt64 = 1
    var sections: [SectionState]
    var pendingOffer: (description: SessionDescription, sections: [SectionState])?
    /// Set when the room changed while our offer was out (glare): offer again after the answer.
    var renegotiationNeeded = false
    /// Simulcast sections whose layer SSRC is learned from the RID extension.
    var simulcast: SimulcastFilter

    let events: AsyncStream<PeerSessionEvent>.Continuation
    let openedAt: Duration
    /// When a session that never connected is given up.
    var connectDeadline: Duration?
    private(set) var connectedReported = false
    private(set) var isClosed = false
    /// Kinds of dropped input already logged for this peer (house rule 4: log once).
    private var loggedDrops: UInt32 = 0
    /// Whether the loop has this peer in its batch's touched list.
    var isTouched = false

    /// Data channels: the SCTP association (once DTLS is up and a section agreed), its DCEP
    /// state, the channel chat uses and the chat rate allowance.
    var sctp: SCTPAssociation?
    var dataChannels: DataChannels
    var chatChannel: UInt16?
    var chatAllowance: ChatAllowance
    /// Whether the loop has this peer on its data channel work list.
    var isDataChannelWorkQueued = false

    init(id: PeerSessionID, participantName: String, user: String, displayName: String?, participantID: ParticipantID,
         role: RoomRole, intent: PeerIntent, room: RoomHost, ice: ICELiteAgent, dtls: DTLSEndpoint,
         identity: LocalIdentity, sections: [SectionState], simulcast: SimulcastFilter,
         events: AsyncStream<PeerSessionEvent>.Continuation, openedAt: Duration, connectTimeout: Duration,
         chatBurst: Int) {
        self.id = id
        self.participantName = participantName
        self.user = user
        self.displayName = displayName
        self.chatAllowance = ChatAllowance(burst: chatBurst)
        self.dataChannels = DataChannels(isDTLSClient: dtls.role == .client)
        self.participantID = participantID
        self.role = role
        self.intent = intent
        self.room = room
        self.ice = ice
        self.dtls = dtls
        self.identity = identity
        self.sections = sections
        self.simulcast = simulcast
        self.events = events
        self.openedAt = openedAt
        self.connectDeadline = openedAt + connectTimeout
    }

    /// The earliest time the loop must call back for this peer.
    var nextDeadline: Duration? {
        var earliest = connectDeadline
        if let d = ice.nextDeadline { earliest = min(earliest ?? d, d) }
        if let d = dtls.nextDeadline { earliest = min(earliest ?? d, d) }
        return earliest
    }

    /// Media can be protected and has somewhere to go.
    var canSendMedia: Bool { srtp != nil && destination != nil }

    func remember(_ socket: SocketAddress, for address: TransportAddress) {
        if socketAddresses[address] == nil { socketAddresses[address] = socket }
    }

    func forget(_ address: TransportAddress) { socketAddresses[address] = nil }

    func socketAddress(for address: TransportAddress) -> SocketAddress? { socketAddresses[address] }

    /// Points media at the ICE-selected address (nil after consent expiry).
    func select(_ address: TransportAddress?) {
        destination = address.flatMap { socketAddresses[$0] }
    }

    /// Keys SRTP from what DTLS exported (profiles map 1:1 by IANA number).
    func startSRTP(_ keys: SRTPKeyingMaterial) throws(SRTPError) {
        guard let profile = SRTPProfile(rawValue: keys.profile.rawValue) else { throw .badParam }
        srtp = try SRTPSession(profile: profile, localKey: keys.localKey, localSalt: keys.localSalt,
                               remoteKey: keys.remoteKey, remoteSalt: keys.remoteSalt)
    }

    /// True exactly once: when ICE has a selection and SRTP keys exist.
    func becameConnected() -> Bool {
        guard !connectedReported, srtp != nil, destination != nil else { return false }
        connectedReported = true
        connectDeadline = nil
        return true
    }

    func markClosed() { isClosed = true }

    /// The client's SCTP port when the session agreed a data channel section.
    var dataChannelRemotePort: UInt16? {
        for section in sections { if case .dataChannel(let port) = section.usage { return port } }
        return nil
    }

    /// Ends the association (aborted; the client sees its channels close) and forgets its channels.
    func stopDataChannels() {
        sctp?.close()
        sctp = nil
        chatChannel = nil
        dataChannels = DataChannels(isDTLSClient: dtls.role == .client)
    }

    /// True the first time a drop of `reason` is seen for this peer.
    func shouldLog(_ reason: DropReason) -> Bool {
        let bit = UInt32(1) << reason.rawValue
        defer { loggedDrops |= bit }
        return loggedDrops & bit == 0
    }
}

/// Reasons a peer's input is dropped, for logging once per peer.
enum DropReason: UInt32 {
    case badSTUN, rtpBeforeDTLS, srtpAuthFail, srtpReplay, srtpOther, dtlsApplicationData, simulcastLayer
    case dataChannelTransport, dataChannelRefused, chatRefused
}
