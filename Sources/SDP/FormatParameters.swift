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
        let (format, rest) = SDPSyntax.splitFirst(SDPSyntax.trimmed(value), " ")
        guard SDPSyntax.isToken(format) else { throw .invalidValue(field: "fmtp", reason: "needs <format> <params>") }
        self.init(format: String(format), parameters: try Parameter.list(rest ?? "", field: "fmtp"))
    }

    /// The payload type, when the format is one.
    public var payloadType: UInt8? { SDPSyntax.payloadType(Substring(format)) }

    public var attributeValue: String { "\(format) \(Parameter.serialize(parameters))" }
}
