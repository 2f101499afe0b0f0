/// Per-participant settings from the control plane.
public struct ParticipantOptions: Sendable, Equatable {
    /// The SSRC the room uses as "sender SSRC" in RTCP it sends this participant (RR, NACK, PLI).
    public var feedbackSSRC: UInt32
    /// The header-extension id the participant negotiated for the SDES MID extension; lets the
    /// room bind a packet with an unknown SSRC to the track with that MID.
    public var midExtensionID: UInt8?
    /// The ids of the RID and repaired-RID extensions (RFC 8852): simulcast layers announce
    /// rids, not SSRCs, so a layer's SSRC is learned from its first packet.
    public var ridExtensionID: UInt8?
    public var repairedRIDExtensionID: UInt8?

    public init(feedbackSSRC: UInt32 = 1, midExtensionID: UInt8? = nil, ridExtensionID: UInt8? = nil,
                repairedRIDExtensionID: UInt8? = nil) {
        self.feedbackSSRC = feedbackSSRC
        self.midExtensionID = midExtensionID
        self.ridExtensionID = ridExtensionID
        self.repairedRIDExtensionID = repairedRIDExtensionID
    }
}
