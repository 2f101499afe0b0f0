/// One payload type of an RTP section with everything the section says about it: rtpmap,
/// fmtp and rtcp-fb lines gathered into one value.
public struct Codec: Hashable, Sendable {
    public var payloadType: UInt8
    /// Encoding name as written (`VP8`, `opus`, `H264`, `rtx`); compare with `hasName`.
    public var name: String
    public var clockRate: UInt32
    public var channels: UInt8?
    public var parameters: [Parameter]
    public var feedback: [RTCPFeedbackType]

    public init(payloadType: UInt8, name: String, clockRate: UInt32, channels: UInt8? = nil,
                parameters: [Parameter] = [], feedback: [RTCPFeedbackType] = []) {
        self.payloadType = payloadType
        self.name = name
        self.clockRate = clockRate
        self.channels = channels
        self.parameters = parameters
        self.feedback = feedback
    }

    /// An RTX codec (RFC 4588) repairing `associated`.
    public static func rtx(payloadType: UInt8, associatedPayloadType: UInt8, clockRate: UInt32 = 90000) -> Codec {
        Codec(payloadType: payloadType, name: "rtx", clockRate: clockRate,
              parameters: [Parameter("apt", String(associatedPayloadType))])
    }

    /// Encoding names are case-insensitive (RFC 4855 3).
    public func hasName(_ other: String) -> Bool { name.lowercased() == other.lowercased() }

    public var isRTX: Bool { hasName("rtx") }

    /// For RTX: the payload type it repairs (fmtp `apt=`).
    public var associatedPayloadType: UInt8? {
        parameters[parameter: "apt"].flatMap(SDPText.payloadType)
    }

    public var rtpMap: RTPMap {
        RTPMap(payloadType: payloadType, encodingName: name, clockRate: clockRate, channels: channels)
    }

    /// The fmtp line for this codec, or nil when it has no parameters.
    public var formatParameters: FormatParameters? {
        parameters.isEmpty ? nil : FormatParameters(payloadType: payloadType, parameters: parameters)
    }

    /// Attributes describing this codec, in the order Chromium writes them: rtpmap, rtcp-fb, fmtp.
    public var attributes: [Attribute] {
        var out = [rtpMap.attribute]
        for fb in feedback { out.append(RTCPFeedback(payloadType: payloadType, feedback: fb).attribute) }
        if let fmtp = formatParameters { out.append(fmtp.attribute) }
        return out
    }

    /// Static payload types (RFC 3551) that may appear without an rtpmap line.
    static func staticPayloadType(_ pt: UInt8) -> Codec? {
        switch pt {
        case 0: Codec(payloadType: 0, name: "PCMU", clockRate: 8000)
        case 8: Codec(payloadType: 8, name: "PCMA", clockRate: 8000)
        case 9: Codec(payloadType: 9, name: "G722", clockRate: 8000)
        case 13: Codec(payloadType: 13, name: "CN", clockRate: 8000)
        default: nil
        }
    }
}
