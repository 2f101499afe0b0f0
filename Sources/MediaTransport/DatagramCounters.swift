/// What one loop saw and did, by reason. Each loop mutates its own copy on its own event loop, so
/// the packet path takes no lock; readers hop onto that loop to take a snapshot, and the service
/// sums the loops.
public struct DatagramCounters: Sendable, Equatable {
    // Accepted input, by class.
    public var received = 0
    public var stun = 0
    public var dtls = 0
    public var rtp = 0
    public var rtcp = 0

    // Dropped input, by reason (house rule 4: counted, logged once, dropped).
    /// First byte outside every RFC 7983 range we serve (or an empty datagram).
    public var unknownClass = 0
    /// RTP/RTCP (or ZRTP, TURN channel data) from an address no peer owns.
    public var unknownSource = 0
    /// First byte says STUN but the framing is not STUN's.
    public var notSTUN = 0
    /// STUN from an unbound address whose USERNAME names no ufrag of ours.
    public var unknownUfrag = 0
    /// STUN from an unbound address that the owning agent did not validate (bad credentials,
    /// not a request, role conflict, ...).
    public var badSTUN = 0
    /// DTLS from an address that has not passed a connectivity check.
    public var dtlsBeforeICE = 0
    /// RTP/RTCP from a bound address before DTLS delivered SRTP keys.
    public var rtpBeforeDTLS = 0
    /// SRTP/SRTCP whose authentication tag did not verify.
    public var srtpAuthFail = 0
    /// SRTP/SRTCP replays (duplicate or older than the window).
    public var srtpReplay = 0
    /// SRTP/SRTCP rejected for another reason (malformed header, libsrtp error).
    public var srtpOther = 0
    /// Larger than the ingress buffer.
    public var oversized = 0

    // Output.
    /// Datagrams queued for sending.
    public var sent = 0
    /// Packets the SFU asked to send to a peer that cannot take them yet (no SRTP or no address).
    public var egressNotReady = 0
    /// Packets whose rewrite or protection failed (should stay 0).
    public var egressFailed = 0
    /// Forwarded packets a viewer's pacer held back for a few milliseconds.
    public var paced = 0

    // ICE over TCP (RFC 6544), counted beside the datagrams above (a frame is a datagram).
    /// Connections accepted on the media TCP ports, refused (limit, address taken), closed.
    public var tcpAccepted = 0
    public var tcpRefused = 0
    public var tcpClosed = 0
    /// Connections closed for not binding to a peer in time, or for a socket error.
    public var tcpUnbound = 0
    public var tcpErrors = 0
    /// Frames read from and written to TCP connections.
    public var tcpFramesReceived = 0
    public var tcpFramesSent = 0
    /// Packets dropped because a connection's send buffer was full.
    public var tcpDropped = 0
    /// UDP datagrams from an address that is a TCP connection's (never routed: one address, one transport).
    public var tcpShadowed = 0

    // Data channels.
    /// Messages that arrived over SCTP (DCEP included).
    public var dataChannelMessages = 0
    /// Messages refused: malformed DCEP, unknown stream or payload protocol, bad UTF-8, over the size limit.
    public var dataChannelRefused = 0
    /// Messages usrsctp would not queue (send buffer full, association gone).
    public var dataChannelSendFailed = 0
    /// Chat messages relayed to the room, and refused (binary, empty, too long, too fast).
    public var chatRelayed = 0
    public var chatRefused = 0

    // Congestion control.
    /// Feedback packets sent to publishers (transport-wide feedback and REMB).
    public var feedbackSent = 0
    /// Feedback that could not be built (should stay 0).
    public var feedbackUnbuildable = 0
    /// Viewers' transport-wide feedback and REMB packets read by the estimators.
    public var feedbackReceived = 0

    public init() {}

    /// Every dropped input datagram.
    public var dropped: Int {
        unknownClass + unknownSource + notSTUN + unknownUfrag + badSTUN + dtlsBeforeICE + rtpBeforeDTLS
            + srtpAuthFail + srtpReplay + srtpOther + oversized + tcpShadowed
    }

    /// Field-wise sum (the service adds up its loops).
    public static func + (lhs: DatagramCounters, rhs: DatagramCounters) -> DatagramCounters {
        var s = lhs
        s.received += rhs.received
        s.stun += rhs.stun
        s.dtls += rhs.dtls
        s.rtp += rhs.rtp
        s.rtcp += rhs.rtcp
        s.unknownClass += rhs.unknownClass
        s.unknownSource += rhs.unknownSource
        s.notSTUN += rhs.notSTUN
        s.unknownUfrag += rhs.unknownUfrag
        s.badSTUN += rhs.badSTUN
        s.dtlsBeforeICE += rhs.dtlsBeforeICE
        s.rtpBeforeDTLS += rhs.rtpBeforeDTLS
        s.srtpAuthFail += rhs.srtpAuthFail
        s.srtpReplay += rhs.srtpReplay
        s.srtpOther += rhs.srtpOther
        s.oversized += rhs.oversized
        s.sent += rhs.sent
        s.egressNotReady += rhs.egressNotReady
        s.egressFailed += rhs.egressFailed
        s.paced += rhs.paced
        s.tcpAccepted += rhs.tcpAccepted
        s.tcpRefused += rhs.tcpRefused
        s.tcpClosed += rhs.tcpClosed
        s.tcpUnbound += rhs.tcpUnbound
        s.tcpErrors += rhs.tcpErrors
        s.tcpFramesReceived += rhs.tcpFramesReceived
        s.tcpFramesSent += rhs.tcpFramesSent
        s.tcpDropped += rhs.tcpDropped
        s.tcpShadowed += rhs.tcpShadowed
        s.dataChannelMessages += rhs.dataChannelMessages
        s.dataChannelRefused += rhs.dataChannelRefused
        s.dataChannelSendFailed += rhs.dataChannelSendFailed
        s.chatRelayed += rhs.chatRelayed
        s.chatRefused += rhs.chatRefused
        s.feedbackSent += rhs.feedbackSent
        s.feedbackUnbuildable += rhs.feedbackUnbuildable
        s.feedbackReceived += rhs.feedbackReceived
        return s
    }
}
