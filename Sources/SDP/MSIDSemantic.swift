/// a=msid-semantic (pre-RFC 8830, still written by every browser): `WMS <stream id>...` or `WMS *`.
public struct MSIDSemantic: AttributeValue {
    public static let attributeName = "msid-semantic"

    public var semantic: String
    public var identifiers: [String]

    public init(semantic: String = "WMS", identifiers: [String]) {
        self.semantic = semantic
        self.identifiers = identifiers
    }

    public init(parsing value: String) throws(SDPError) {
        let t = ByteText(value)
        try self.init(t, t.all)
    }

    init(_ t: ByteText, _ r: Range<Int>) throws(SDPError) {
        let f = t.fields(r)
        guard !f.isEmpty, f.count <= SDPLimits.maxListItems + 1, f.allSatisfy({ t.isToken($0) }) else {
            throw .invalidValue(field: "msid-semantic", reason: "needs <semantic> [<id>...]")
        }
        self.init(semantic: t.string(f[0]), identifiers: f.dropFirst().map(t.string))
    }

    /// Chromium's spelling, with a space after the colon.
    public var attributeValue: String { ([" " + semantic] + identifiers).joined(separator: " ") }
}
