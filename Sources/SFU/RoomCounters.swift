/// What a room counted. Bad input is counted here, never thrown (house rule 4).
public struct RoomCounters: Sendable, Equatable {
    public var rtpReceived = 0
    public var rtpMalformed = 0
    public var rtpOversized = 0
    public var rtpUnknownSSRC = 0
    public var rtpUnexpectedPayloadType = 0
    /// Sequence-number jumps held as suspect (`InboundStream`).
    public var rtpRejectedJumps = 0
    /// RTX packets without an OSN (bandwidth probes): expected, dropped.
    public var rtxPaddingDropped = 0
    public var rtpMalformedPayload = 0
    /// Packets from a participant the room does not know.
    public var unknownParticipant = 0
    /// Packets handed to the sink for a viewer (retransmissions and replays not included).
    public var forwarded = 0
    public var rtcpReceived = 0
    public var rtcpMalformed = 0
    /// RTCP packets of types the room does not act on (SDES, BYE, REMB, TWCC, APP, XR, ...).
    public var rtcpIgnored = 0
    /// RTCP feedback about an SSRC the participant is not subscribed to.
    public var rtcpUnknownSSRC = 0
    public var nacksReceived = 0
    public var retransmissionsSent = 0
    /// NACKed packets the reverse map knew but the packet cache no longer held.
    public var retransmissionCacheMisses = 0
    public var nacksSent = 0
    public var keyframeRequestsSent = 0
    public var keyframeReplays = 0
    /// New viewers not replayed the cached keyframe because it was too old (they wait for a fresh one).
    public var staleKeyframeReplaysSkipped = 0
    public var receiverReportsSent = 0
    public var senderReportsSent = 0
    /// Padding-only packets sent to viewers as bandwidth probes.
    public var paddingPacketsSent = 0
    /// NACKed packets not resent: the viewer's retransmission budget was spent.
    public var retransmissionsThrottled = 0
    /// RTCP that did not fit the room's scratch buffer (should stay 0).
    public var rtcpBuildFailures = 0
    /// Events dropped because nobody drained them (`RoomConfiguration.maxPendingEvents`).
    public var eventsDropped = 0

    public init() {}
}
