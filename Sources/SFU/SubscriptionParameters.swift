/// What the control plane negotiated with one viewer for one track: the SSRC and payload type the
/// viewer expects, RTX if it accepted it, and the initial sequence number and timestamp.
///
/// The initial values should be random (RFC 3550 §5.1); the control plane draws them, so the
/// SFU itself never touches a random source and tests stay deterministic.
public struct SubscriptionParameters: Sendable, Equatable {
    public var ssrc: UInt32
    public var payloadType: UInt8
    public var rtxSSRC: UInt32?
    public var rtxPayloadType: UInt8?
    public var initialSequenceNumber: UInt16
    public var initialTimestamp: UInt32
    public var initialRTXSequenceNumber: UInt16

    public init(ssrc: UInt32, payloadType: UInt8, rtxSSRC: UInt32? = nil, rtxPayloadType: UInt8? = nil,
                initialSequenceNumber: UInt16 = 0, initialTimestamp: UInt32 = 0, initialRTXSequenceNumber: UInt16 = 0) {
        self.ssrc = ssrc
        self.payloadType = payloadType
        self.rtxSSRC = rtxSSRC
        self.rtxPayloadType = rtxPayloadType
        self.initialSequenceNumber = initialSequenceNumber
        self.initialTimestamp = initialTimestamp
        self.initialRTXSequenceNumber = initialRTXSequenceNumber
    }

    /// Throws on payload types over 127, half-configured RTX, or RTX sharing the media SSRC.
    public func validate() throws(SFUError) {
        guard payloadType <= 0x7F else { throw .invalidConfiguration("payload type \(payloadType) over 127") }
        guard (rtxSSRC == nil) == (rtxPayloadType == nil) else {
            throw .invalidConfiguration("RTX needs both an SSRC and a payload type")
        }
        if let rtxSSRC, let rtxPayloadType {
            guard rtxPayloadType <= 0x7F else { throw .invalidConfiguration("RTX payload type over 127") }
            guard rtxSSRC != ssrc else { throw .invalidConfiguration("RTX SSRC equals the media SSRC") }
        }
    }
}
