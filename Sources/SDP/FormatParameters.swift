/// a=fmtp: `<format> <parameters>`. Parameters are `;`-separated `name=value` items; a few
/// codecs (RED: `111/111`) use bare items, kept as parameters without a value.
public struct FormatParameters: AttributeValue {
    public static let attributeName = "fmtp"

    /// The payload type for RTP media, or the format token for others.
    public var format: String
    public var parameters: [Parameter]

    public init(format: String, parameters: [Parameter]) {
        self.format = format
        self.parameters = parameters
    }

    public init(payloadType: UInt8, parameters: [Parameter]) {
        self.init(format: String(payloadType), parameters: parameters)
    }

    public init(parsing value: String) throws(SDPError) {
        let t = ByteText(value)
        try self.init(t, t.all)
    }

    init(_ t: ByteText, _ r: Range<Int>) throws(SDPError) {
        let (format, rest) = t.splitFirst(t.trimmed(r), 0x20)
        guard t.isToken(format) else { throw .invalidValue(field: "fmtp", reason: "needs <format> <params>") }
        var parameters: [Parameter] = []
        if let rest { parameters = try Parameter.list(t, rest, field: "fmtp") }
        self.init(format: t.string(format), parameters: parameters)
    }

    /// The payload type, when the format is one.
    public var payloadType: UInt8? { SDPText.payloadType(format) }

    public var attributeValue: String { "\(format) \(Parameter.serialize(parameters))" }
}
