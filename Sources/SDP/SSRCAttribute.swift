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
        let t = ByteText(value)
        try self.init(t, t.all)
    }

    init(_ t: ByteText, _ r: Range<Int>) throws(SDPError) {
        let (ssrcText, rest) = t.splitFirst(t.trimmed(r), 0x20)
        guard let ssrc = t.uint32(ssrcText), let rest else {
            throw .invalidValue(field: "ssrc", reason: "needs <32-bit ssrc> <attribute>")
        }
        let (name, attrValue) = t.splitFirst(t.trimmed(rest), 0x3A)
        guard t.isToken(name) else { throw .invalidValue(field: "ssrc", reason: "bad attribute name") }
        self.init(ssrc: ssrc, attribute: t.string(name), value: attrValue.map(t.string))
    }

    public var attributeValue: String {
        value.map { "\(ssrc) \(attribute):\($0)" } ?? "\(ssrc) \(attribute)"
    }
}
