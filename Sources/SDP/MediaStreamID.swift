/// a=msid (RFC 8830): `<stream id> [<track id>]`, tying a section's track to a MediaStream.
/// Stream id `-` means "no stream".
public struct MediaStreamID: AttributeValue {
    public static let attributeName = "msid"

    public var streamID: String
    public var trackID: String?

    public init(streamID: String, trackID: String? = nil) {
        self.streamID = streamID
        self.trackID = trackID
    }

    /// msid-id = 1*64 token-char.
    static func isValidID(_ s: Substring) -> Bool { SDPSyntax.isToken(s) && s.utf8.count <= 64 }

    public init(parsing value: String) throws(SDPError) {
        let f = SDPSyntax.fields(value)
        guard f.count == 1 || f.count == 2, f.allSatisfy(MediaStreamID.isValidID) else {
            throw .invalidValue(field: "msid", reason: "needs <stream-id> [<track-id>], 1-64 token characters each")
        }
        self.init(streamID: String(f[0]), trackID: f.count == 2 ? String(f[1]) : nil)
    }

    public var attributeValue: String { trackID.map { "\(streamID) \($0)" } ?? streamID }
}

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
        let f = SDPSyntax.fields(value)
        guard let first = f.first, SDPSyntax.isToken(first), f.dropFirst().allSatisfy(SDPSyntax.isToken),
              f.count <= SDPLimits.maxListItems + 1 else {
            throw .invalidValue(field: "msid-semantic", reason: "needs <semantic> [<id>...]")
        }
        self.init(semantic: String(first), identifiers: f.dropFirst().map(String.init))
    }

    /// Chromium's spelling, with a space after the colon.
    public var attributeValue: String { ([" " + semantic] + identifiers).joined(separator: " ") }
}
