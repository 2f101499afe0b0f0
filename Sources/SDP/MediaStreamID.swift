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

    public init(parsing value: String) throws(SDPError) {
        let t = ByteText(value)
        try self.init(t, t.all)
    }

    /// msid-id = 1*64 token-char.
    init(_ t: ByteText, _ r: Range<Int>) throws(SDPError) {
        let f = t.fields(r)
        guard f.count == 1 || f.count == 2, f.allSatisfy({ t.isToken($0) && $0.count <= 64 }) else {
            throw .invalidValue(field: "msid", reason: "needs <stream-id> [<track-id>], 1-64 token characters each")
        }
        self.init(streamID: t.string(f[0]), trackID: f.count == 2 ? t.string(f[1]) : nil)
    }

    public var attributeValue: String { trackID.map { "\(streamID) \($0)" } ?? streamID }
}
