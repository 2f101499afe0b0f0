/// One kind of RTCP feedback a codec accepts: `nack`, `nack pli`, `ccm fir`, `goog-remb`, `transport-cc`.
public struct RTCPFeedbackType: Hashable, Sendable {
    public var type: String
    public var parameter: String?

    public init(_ type: String, _ parameter: String? = nil) {
        self.type = type
        self.parameter = parameter
    }

    public static let nack = RTCPFeedbackType("nack")
    public static let pli = RTCPFeedbackType("nack", "pli")
    public static let fir = RTCPFeedbackType("ccm", "fir")
    public static let remb = RTCPFeedbackType("goog-remb")
    public static let transportCC = RTCPFeedbackType("transport-cc")

    var text: String { parameter.map { "\(type) \($0)" } ?? type }
}

/// a=rtcp-fb (RFC 4585 4.2): `<payload type | *> <type> [<parameter>]`.
public struct RTCPFeedback: AttributeValue {
    public static let attributeName = "rtcp-fb"

    /// nil for `*`: the feedback applies to every payload type of the section.
    public var payloadType: UInt8?
    public var feedback: RTCPFeedbackType

    public init(payloadType: UInt8?, feedback: RTCPFeedbackType) {
        self.payloadType = payloadType
        self.feedback = feedback
    }

    public init(parsing value: String) throws(SDPError) {
        let f = SDPSyntax.fields(value)
        guard f.count >= 2, SDPSyntax.isToken(f[1]) else {
            throw .invalidValue(field: "rtcp-fb", reason: "needs <pt> <type>")
        }
        var pt: UInt8?
        if f[0] != "*" {
            guard let p = SDPSyntax.payloadType(f[0]) else {
                throw .invalidValue(field: "rtcp-fb", reason: "payload type must be * or 0-127")
            }
            pt = p
        }
        let parameter = f.count > 2 ? f[2...].joined(separator: " ") : nil
        self.init(payloadType: pt, feedback: RTCPFeedbackType(String(f[1]), parameter))
    }

    public var attributeValue: String {
        "\(payloadType.map(String.init) ?? "*") \(feedback.text)"
    }
}
