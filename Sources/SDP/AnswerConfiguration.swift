/// Our side of an offer/answer exchange: transport, session identity, and what we support.
public struct AnswerConfiguration: Hashable, Sendable {
    public var transport: LocalTransport
    public var sessionID: UInt64
    public var sessionVersion: UInt64
    /// In preference order only for tie-breaking: the answer keeps the offer's order.
    public var codecs: [CodecCapability]
    /// Header extension URIs we understand; answered with the offer's ids.
    public var headerExtensions: [String]
    public var acceptsDataChannels: Bool
    public var sctpPort: UInt16
    public var maxMessageSize: UInt64
    /// Echo a=extmap-allow-mixed (RFC 8285 6) when offered: our RTP parser reads one- and
    /// two-byte extension headers.
    public var allowsMixedExtensionHeaders: Bool

    public static let defaultHeaderExtensions = [
        HeaderExtensionURI.mid, HeaderExtensionURI.rtpStreamID, HeaderExtensionURI.repairedRTPStreamID,
        HeaderExtensionURI.absSendTime, HeaderExtensionURI.transportWideCC, HeaderExtensionURI.audioLevel,
        HeaderExtensionURI.videoOrientation, HeaderExtensionURI.absCaptureTime, HeaderExtensionURI.playoutDelay,
    ]

    public init(transport: LocalTransport, sessionID: UInt64, sessionVersion: UInt64 = 1,
                codecs: [CodecCapability] = [.opus, .vp8, .h264],
                headerExtensions: [String] = AnswerConfiguration.defaultHeaderExtensions,
                acceptsDataChannels: Bool = true, sctpPort: UInt16 = 5000, maxMessageSize: UInt64 = 262_144,
                allowsMixedExtensionHeaders: Bool = true) {
        self.transport = transport
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.codecs = codecs
        self.headerExtensions = headerExtensions
        self.acceptsDataChannels = acceptsDataChannels
        self.sctpPort = sctpPort
        self.maxMessageSize = maxMessageSize
        self.allowsMixedExtensionHeaders = allowsMixedExtensionHeaders
    }
}
