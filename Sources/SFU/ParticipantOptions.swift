/// Per-participant settings from the control plane.
public struct ParticipantOptions: Sendable, Equatable {
    /// The SSRC the room uses as "sender SSRC" in RTCP it sends this participant (RR, NACK, PLI).
    public var feedbackSSRC: UInt32
    /// The header-extension id the participant negotiated for the SDES MID extension; lets the
    /// room bind a packet with an unknown SSRC to the track with that MID.
    public var midExtensionID: UInt8?

    public init(feedbackSSRC: UInt32 = 1, midExtensionID: UInt8? = nil) {
        self.feedbackSSRC = feedbackSSRC
        self.midExtensionID = midExtensionID
    }
}
