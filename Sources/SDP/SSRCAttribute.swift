/// a=ssrc (RFC 5576): `<ssrc> <attribute>[:<value>]`, e.g. `1234 cname:abc` or `1234 msid:s t`.
public struct SSRCAttribute: AttributeValue {
    public static let attributeName = "ssrc"

    public var ssrc: UInt32
    public var attribute: String
    public var value: String?

    public init(ssrc: UInt32, attribute: String, value: String? = nil) {
        self.ssrc = ssrc
        self.attribute = attribute
        self.value = value
    }

    public init(parsing value: String) throws(SDPError) {
        let (ssrcText, rest) = SDPSyntax.splitFirst(SDPSyntax.trimmed(value), " ")
        guard let ssrc = SDPSyntax.unsigned(ssrcText, as: UInt32.self), let rest else {
            throw .invalidValue(field: "ssrc", reason: "needs <32-bit ssrc> <attribute>")
        }
        let (name, attrValue) = SDPSyntax.splitFirst(SDPSyntax.trimmed(rest), ":")
        guard SDPSyntax.isToken(name) else { throw .invalidValue(field: "ssrc", reason: "bad attribute name") }
        self.init(ssrc: ssrc, attribute: String(name), value: attrValue.map(String.init))
    }

    public var attributeValue: String {
        value.map { "\(ssrc) \(attribute):\($0)" } ?? "\(ssrc) \(attribute)"
    }
}
