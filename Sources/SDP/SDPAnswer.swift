/// The result of an offer/answer exchange: the answer (ours to send back, or the peer's answer
/// to our offer) and what was agreed per section, so the caller can set up receivers and
/// senders without re-reading SDP.
public struct SDPAnswer: Hashable, Sendable {
    public var description: SessionDescription
    public var media: [NegotiatedMedia]
    /// Our DTLS role: passive (server) unless the offer insisted on being passive itself.
    public var dtlsRole: SetupRole
    /// The peer's transport parameters (of the first accepted section; all share BUNDLE).
    public var remoteTransport: TransportParameters?

    public init(description: SessionDescription, media: [NegotiatedMedia], dtlsRole: SetupRole,
                remoteTransport: TransportParameters?) {
        self.description = description
        self.media = media
        self.dtlsRole = dtlsRole
        self.remoteTransport = remoteTransport
    }
}
