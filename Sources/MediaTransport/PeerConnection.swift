import Congestion
import Logging
import OutputQueue
import DTLS
import ICE
import NIOCore
import SCTP
import SDP
import SFU
import RTP
import SRTP
import STUN

/// One client's peer connection, and the driver of everything it owns: its ICE-lite agent, DTLS
/// endpoint, SRTP session, SCTP association with its data channels, and congestion estimators.
///
/// The loop hands it input (`receiveSTUN`, `receiveDTLS`, `handleTimeout`), then `run`s it: the
/// driver drains each core, moves DTLS application data and SCTP packets between the two through
/// its own record queue (neither core calls the other), and queues what concerns the loop
/// (`PeerOutput`) for `pollOutput`. Media is not driven here: the loop's packet path unprotects
/// with `srtp` and hands packets to the room, the egress path protects what the room forwards.
/// Lives on its loop only.
final class PeerConnection: RegisteredPeer {
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
    var roomName: String { room.name }
    let logger: Logger

    var ice: ICELiteAgent
    let dtls: DTLSEndpoint
    private(set) var srtp: SRTPSession?

    /// Where media goes: the ICE-selected address, as NIO wants it (converted once per selection).
    var destination: SocketAddress?
    /// Where DTLS answers go before a selection: the last authorized address DTLS came from.
    var dtlsReturnAddress: SocketAddress?
    /// Socket addresses of the remote addresses bound to this peer.
    var socketAddresses: [TransportAddress: SocketAddress] = [:]
    /// Where the STUN datagram being answered came from (a refused check's error response goes
    /// back there though the address is not bound).
    var stunReturn: (address: TransportAddress, socket: SocketAddress)?

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
    /// Set once the driver said `failed`: it runs nothing more, and the loop closes it.
    private var hasFailed = false
    /// Kinds of dropped input already logged for this peer (house rule 4: log once).
    private var loggedDrops: UInt32 = 0
    /// Whether the loop has this peer in its batch's touched list, and on its drive list.
    var isTouched = false
    var isDriveQueued = false

    private var outputs = OutputQueue<PeerOutput>(capacity: 8)
    var records = OutputQueue<PeerRecord>(capacity: 8)

    /// Data channels: the SCTP association (once DTLS is up and a section agreed), its DCEP
    /// state, the channel chat uses and the chat rate allowance.
    var sctp: SCTPAssociation?
    var dataChannels: DataChannels
    var chatChannel: UInt16?
    let chat: ChatConfiguration
    var chatAllowance: ChatAllowance
    /// Called from usrsctp's timer thread when the association has output outside our calls.
    let wakeDataChannels: @Sendable () -> Void

    /// Header-extension ids and feedback kinds, from the negotiated sections.
    var features = PeerRTPFeatures()
    /// Congestion feedback about what this peer publishes (built when it negotiated one).
    var transportFeedback: TransportFeedbackBuilder?
    var remoteEstimator: RemoteBitrateEstimator?
    /// The SSRC of the peer's latest media packet: the "media source" our feedback names.
    var lastMediaSSRC: UInt32 = 0
    /// The next transport-wide sequence number we stamp on a packet to this peer.
    var nextTransportSequenceNumber: UInt16 = 0
    /// How fast we may send to this peer (it is a viewer here): its feedback read into one
    /// target bitrate. Made when the peer negotiated transport-cc or REMB for what it receives.
    var sendSideEstimator: SendSideBandwidthEstimator?
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
    /// Paces what is forwarded to this viewer at 2.5 × its estimate, once the estimate is its
    /// own measurement (transport-wide feedback, warmed up); nil: sent as forwarded.
    var pacer: PacingBudget?
    /// Its packets the egress path holds back now.
    var pacedWaiting = 0
    /// What the session asked of every video it receives (WHEP query), applied as it subscribes.
    var videoPreference: VideoPreference?

    struct Setup {
        var id: PeerSessionID
        var participantName: String
        var user: String
        var displayName: String?
        var participantID: ParticipantID
        var role: RoomRole
        var intent: PeerIntent
        var room: RoomHost
        var ice: ICELiteAgent
        var dtls: DTLSEndpoint
        var identity: LocalIdentity
        var sections: [SectionState]
        var events: AsyncStream<PeerSessionEvent>.Continuation
        var openedAt: Duration
        var connectTimeout: Duration
        var chat: ChatConfiguration
        var logger: Logger
        var wakeDataChannels: @Sendable () -> Void
    }

    init(_ setup: Setup) {
        id = setup.id
        participantName = setup.participantName
        user = setup.user
        displayName = setup.displayName
        participantID = setup.participantID
        role = setup.role
        intent = setup.intent
        room = setup.room
        ice = setup.ice
        dtls = setup.dtls
        identity = setup.identity
        sections = setup.sections
        events = setup.events
        openedAt = setup.openedAt
        connectDeadline = setup.openedAt + setup.connectTimeout
        chat = setup.chat
        chatAllowance = ChatAllowance(burst: setup.chat.burst)
        dataChannels = DataChannels(isDTLSClient: setup.dtls.role == .client)
        var logger = setup.logger
        logger[metadataKey: "session"] = "\(setup.id)"
        self.logger = logger
        wakeDataChannels = setup.wakeDataChannels
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

    // MARK: driving

    /// Runs every core until none has anything left to move. What concerns the loop is queued
    /// for `pollOutput`.
    func run(at now: Duration) {
        var progressed = true
        while progressed, !isStopped {
            progressed = false
            if drainICE(at: now) { progressed = true }
            if drainDTLS(at: now) { progressed = true }
            if drainSCTP(at: now) { progressed = true }
            if drainDataChannels(at: now) { progressed = true }
            while !isStopped, let record = records.next() {
                progressed = true
                deliver(record, at: now)
            }
        }
    }

    func pollOutput() -> PeerOutput? { outputs.next() }

    func emit(_ output: PeerOutput) { outputs.append(output) }

    /// Says `failed` once; nothing runs after it.
    func fail(_ reason: String) {
        guard !hasFailed else { return }
        hasFailed = true
        outputs.append(.failed(reason: reason))
    }

    private var isStopped: Bool { hasFailed || isClosed }

    private func deliver(_ record: PeerRecord, at now: Duration) {
        switch record {
        case .toSCTP(let packet):
            sctp?.handle(packet: packet)
        case .toDTLS(let packet):
            do {
                try dtls.send(applicationData: packet, at: now)
            } catch {
                noteDrop(.dataChannelTransport, "SCTP packet not sent over DTLS: \(error)")
            }
        }
    }

    /// Ends everything the peer owns: its channels are aborted, DTLS says close_notify (queued
    /// as a `transmit`; every other output still queued is dropped).
    func shutdown(at now: Duration) {
        guard !isClosed else { return }
        isClosed = true
        connectDeadline = nil
        stopDataChannels()
        dtls.close(at: now)
        var kept = OutputQueue<PeerOutput>()
        while let output = outputs.next() { if case .transmit = output { kept.append(output) } }
        outputs = kept
        while let output = dtls.pollOutput() {
            if case .transmit(let bytes) = output, let to = destination ?? dtlsReturnAddress {
                outputs.append(.transmit(bytes, to: to))
            }
        }
    }

    // MARK: addresses and keys

    /// Media can be protected and has somewhere to go.
    var canSendMedia: Bool { srtp != nil && destination != nil }

    /// Keys SRTP from what DTLS exported (profiles map 1:1 by IANA number).
    func startSRTP(_ keys: SRTPKeyingMaterial) throws(SRTPError) {
        guard let profile = SRTPProfile(rawValue: keys.profile.rawValue) else { throw .badParam }
        srtp = try SRTPSession(profile: profile, localKey: keys.localKey, localSalt: keys.localSalt,
                               remoteKey: keys.remoteKey, remoteSalt: keys.remoteSalt)
    }

    /// Says `connected` exactly once: when ICE has a selection and SRTP keys exist.
    func reportConnectedIfReady() {
        guard !connectedReported, srtp != nil, destination != nil else { return }
        connectedReported = true
        connectDeadline = nil
        outputs.append(.connected)
    }

    /// True the first time a drop of `reason` is seen for this peer.
    func shouldLog(_ reason: DropReason) -> Bool {
        let bit = UInt32(1) << reason.rawValue
        defer { loggedDrops |= bit }
        return loggedDrops & bit == 0
    }

    func noteDrop(_ reason: DropReason, _ message: @autoclosure () -> String) {
        guard shouldLog(reason) else { return }
        logger.notice("\(message())")
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
