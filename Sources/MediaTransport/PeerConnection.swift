import Congestion
import DTLS
import ICE
import NIOCore
import SCTP
import SDP
import SFU
import RTP
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

    /// Header-extension ids and feedback kinds, from the negotiated sections.
    private(set) var features = PeerRTPFeatures()
    /// Congestion feedback about what this peer publishes (built when it negotiated one).
    private(set) var transportFeedback: TransportFeedbackBuilder?
    var remoteEstimator: RemoteBitrateEstimator?
    /// The SSRC of the peer's latest media packet: the "media source" our feedback names.
    var lastMediaSSRC: UInt32 = 0
    /// The next transport-wide sequence number we stamp on a packet to this peer.
    var nextTransportSequenceNumber: UInt16 = 0
    /// How fast we may send to this peer (it is a viewer here): its feedback read into one
    /// target bitrate. Made when the peer negotiated transport-cc or REMB for what it receives.
    private(set) var sendSideEstimator: SendSideBandwidthEstimator?
    /// Probes for headroom towards this peer (transport-cc viewers: only their feedback can
    /// measure a probe), and the one being sent.
    var probes: ProbeController?
    var activeProbe: ProbeSending?
    /// Set by the loop once the room can carry padding to this peer (a started video with RTX).
    var canProbe = false
    /// When this viewer's first congestion feedback arrived (its estimate warms up from there).
    var firstViewerFeedbackAt: Duration?
    /// When this viewer last reported heavy loss (REMB viewers are limited while it is recent).
    var lastHeavyLoss: Duration?
    /// What the session asked of every video it receives (WHEP query), applied as it subscribes.
    var videoPreference: VideoPreference?

    init(id: PeerSessionID, participantName: String, user: String, displayName: String?, participantID: ParticipantID,
         role: RoomRole, intent: PeerIntent, room: RoomHost, ice: ICELiteAgent, dtls: DTLSEndpoint,
         identity: LocalIdentity, sections: [SectionState],
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
        self.events = events
        self.openedAt = openedAt
        self.connectDeadline = openedAt + connectTimeout
    }

    /// The earliest time the loop must call back for this peer.
    var nextDeadline: Duration? {
        var earliest = connectDeadline
        if let d = ice.nextDeadline { earliest = min(earliest ?? d, d) }
        if let d = dtls.nextDeadline { earliest = min(earliest ?? d, d) }
        // Congestion work is only due once it can be sent: a deadline nobody acts on would fire
        // the loop's timer back to back.
        guard canSendMedia else { return earliest }
        if let d = transportFeedback?.nextDeadline { earliest = min(earliest ?? d, d) }
        if let d = remoteEstimator?.nextDeadline { earliest = min(earliest ?? d, d) }
        if let d = activeProbe?.next ?? (canProbe ? probes?.nextDeadline : nil) { earliest = min(earliest ?? d, d) }
        return earliest
    }

    var sendsCongestionFeedback: Bool { transportFeedback != nil || remoteEstimator != nil }

    func pollTransportFeedback(at now: Duration, senderSSRC: UInt32) -> TransportWideFeedback? {
        transportFeedback?.poll(at: now, senderSSRC: senderSSRC, mediaSSRC: lastMediaSSRC)
    }

    /// Takes what negotiation agreed: extension ids, and the feedback the peer's publishing
    /// needs (made once; a renegotiation keeps the state it has).
    func update(features: PeerRTPFeatures) {
        self.features = features
        switch features.publisherFeedback {
        case .transportCC:
            if transportFeedback == nil { transportFeedback = TransportFeedbackBuilder() }
        case .remb:
            if remoteEstimator == nil { remoteEstimator = RemoteBitrateEstimator() }
        case .none:
            break
        }
        if features.viewerFeedback != .none, sendSideEstimator == nil { sendSideEstimator = SendSideBandwidthEstimator() }
        if features.viewerFeedback == .transportCC, probes == nil { probes = ProbeController(configuration: Self.probing) }
    }

    /// A viewer held below a layer it wants (a cap that lifted, a Wi-Fi that recovered) finds the
    /// headroom only by probing: every 2 s rather than libwebrtc's 5 s, so a viewer climbs back
    /// to the best layer within seconds. Each probe is 15 ms at twice the estimate, about 1.5 %
    /// on top of the stream.
    static let probing: ProbeController.Configuration = {
        var configuration = ProbeController.Configuration()
        configuration.allocationProbeInterval = .seconds(2)
        return configuration
    }()

    /// Records a packet we stamped with a transport-wide number, for the viewer's feedback.
    func packetSent(transportSequenceNumber: UInt16, size: Int, at now: Duration, probeCluster: Int?) {
        sendSideEstimator?.onPacketSent(transportSequenceNumber: transportSequenceNumber, size: size, at: now,
                                        probeCluster: probeCluster)
    }

    /// Feedback from the peer about what we send it. Returns whether it was congestion feedback.
    func readCongestionFeedback(_ packet: RTCPPacket, at now: Duration) -> Bool {
        switch packet {
        case .transportWideFeedback(let feedback):
            sendSideEstimator?.onTransportFeedback(feedback, at: now)
        case .receiverEstimatedMaxBitrate(let remb):
            sendSideEstimator?.onREMB(bitrate: remb.bitrate, at: now)
        case .receiverReport(let report):
            guard let worst = report.reports.map(\.fractionLost).max() else { return false }
            sendSideEstimator?.onReceiverReport(fractionLost: worst, at: now)
        case .senderReport(let report):
            guard let worst = report.reports.map(\.fractionLost).max() else { return false }
            sendSideEstimator?.onReceiverReport(fractionLost: worst, at: now)
        default:
            return false
        }
        return true
    }

    /// Notes one decrypted RTP packet from the peer for congestion feedback: its transport-wide
    /// number (transport-cc) or abs-send-time (REMB). No allocation. (The SFU's view of what a
    /// publisher sends is per track, `PublishedTrack.rate`, which the allocator reads.)
    func recordIngress(_ packet: UnsafeRawBufferPointer, at now: Duration) {
        guard transportFeedback != nil || remoteEstimator != nil, let header = try? RTPHeader(parsing: packet) else { return }
        lastMediaSSRC = header.ssrc
        let ids = features.extensions
        if transportFeedback != nil, ids.transportSequenceNumber != 0,
           let range = header.extensionValueRange(id: ids.transportSequenceNumber, in: packet),
           let number = try? TransportSequenceNumber(parsing: UnsafeRawBufferPointer(rebasing: packet[range])) {
            transportFeedback?.packetArrived(number.value, at: now)
        }
        if remoteEstimator != nil, ids.absSendTime != 0,
           let range = header.extensionValueRange(id: ids.absSendTime, in: packet),
           let sent = try? AbsSendTime(parsing: UnsafeRawBufferPointer(rebasing: packet[range])) {
            remoteEstimator?.onPacket(absSendTime: sent.rawValue, arrival: now, size: packet.count)
        }
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

/// A probe cluster going out: its bytes spread over its duration, a share per timer tick.
struct ProbeSending: Sendable {
    let cluster: ProbeCluster
    var remaining: Int
    let chunk: Int
    let interval: Duration
    var next: Duration

    init(_ cluster: ProbeCluster, at now: Duration) {
        self.cluster = cluster
        remaining = cluster.minBytes
        let packets = max(cluster.minPackets, 1)
        chunk = max(1, (cluster.minBytes + packets - 1) / packets)
        interval = cluster.minDuration / packets
        next = now
    }
}

/// Reasons a peer's input is dropped, for logging once per peer.
enum DropReason: UInt32 {
    case badSTUN, rtpBeforeDTLS, srtpAuthFail, srtpReplay, srtpOther, dtlsApplicationData
    case dataChannelTransport, dataChannelRefused, chatRefused
}
