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
        let t = ByteText(value)
        try self.init(t, t.all)
    }

    init(_ t: ByteText, _ r: Range<Int>) throws(SDPError) {
        let f = t.fields(r)
        guard f.count >= 2, t.isToken(f[1]) else {
            throw .invalidValue(field: "rtcp-fb", reason: "needs <pt> <type>")
        }
        var pt: UInt8?
        if !t.equals(f[0], "*") {
            guard let p = t.payloadType(f[0]) else {
                throw .invalidValue(field: "rtcp-fb", reason: "payload type must be * or 0-127")
            }
            pt = p
        }
        let parameter = f.count > 2 ? f[2...].map(t.string).joined(separator: " ") : nil
        self.init(payloadType: pt, feedback: RTCPFeedbackType(t.string(f[1]), parameter))
    }

    public var attributeValue: String {
        "\(payloadType.map(String.init) ?? "*") \(feedback.text)"
    }
}
