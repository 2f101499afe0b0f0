/// a=ssrc-group (RFC 5576): `<semantics> <ssrc>...`. `FID` pairs a media SSRC with its RTX
/// SSRC; `SIM` lists simulcast layers (pre-rid Chromium).
public struct SSRCGroup: AttributeValue {
    public static let attributeName = "ssrc-group"

    public var semantics: String
    public var ssrcs: [UInt32]

    public init(semantics: String, ssrcs: [UInt32]) {
        self.semantics = semantics
        self.ssrcs = ssrcs
    }

    public static func fid(media: UInt32, rtx: UInt32) -> SSRCGroup { SSRCGroup(semantics: "FID", ssrcs: [media, rtx]) }

    public init(parsing value: String) throws(SDPError) {
        let t = ByteText(value)
        try self.init(t, t.all)
    }

    init(_ t: ByteText, _ r: Range<Int>) throws(SDPError) {
        let f = t.fields(r)
        guard f.count >= 2, f.count <= SDPLimits.maxListItems + 1, t.isToken(f[0]) else {
            throw .invalidValue(field: "ssrc-group", reason: "needs <semantics> <ssrc>... (at most \(SDPLimits.maxListItems))")
        }
        var ssrcs: [UInt32] = []
        for item in f.dropFirst() {
            guard let ssrc = t.uint32(item) else {
                throw .invalidValue(field: "ssrc-group", reason: "ssrc must be a 32-bit decimal")
            }
            ssrcs.append(ssrc)
        }
        self.init(semantics: t.string(f[0]), ssrcs: ssrcs)
    }

    public var attributeValue: String { ([semantics] + ssrcs.map(String.init)).joined(separator: " ") }
}
