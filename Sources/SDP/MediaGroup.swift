/// a=group (RFC 5888): `<semantics> <mid>...`; `BUNDLE` (RFC 8843) puts the listed sections on
/// one transport.
public struct MediaGroup: AttributeValue {
    public static let attributeName = "group"

    public var semantics: String
    public var mids: [String]

    public init(semantics: String, mids: [String]) {
        self.semantics = semantics
        self.mids = mids
    }

    public static func bundle(_ mids: [String]) -> MediaGroup { MediaGroup(semantics: "BUNDLE", mids: mids) }

    public init(parsing value: String) throws(SDPError) {
        let t = ByteText(value)
        try self.init(t, t.all)
    }

    init(_ t: ByteText, _ r: Range<Int>) throws(SDPError) {
        let f = t.fields(r)
        guard let first = f.first, t.isToken(first), f.count <= SDPLimits.maxMediaSections + 1 else {
            throw .invalidValue(field: "group", reason: "needs <semantics> <mid>... (at most \(SDPLimits.maxMediaSections))")
        }
        var mids: [String] = []
        for mid in f.dropFirst() {
            guard t.isToken(mid) else { throw .invalidValue(field: "group", reason: "mid must be a token") }
            mids.append(t.string(mid))
        }
        self.init(semantics: t.string(first), mids: mids)
    }

    public var attributeValue: String { ([semantics] + mids).joined(separator: " ") }
}
