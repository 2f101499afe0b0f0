/// A whole SDP offer or answer (RFC 8866): session-level lines, session attributes, and the
/// m= sections in order. Parsing keeps every attribute (known or not) in order, so
/// `SessionDescription(parsing: x).serialized()` gives back `x` with CRLF line endings for any
/// description written in canonical form (single spaces, as browsers and aiortc write).
public struct SessionDescription: AttributeContainer, Hashable, Sendable {
    /// Always 0 (the v= line).
    public var version: Int
    public var origin: Origin
    /// The s= line; `-` when meaningless, as WebRTC writes it.
    public var sessionName: String
    public var information: String?
    public var uri: String?
    public var emails: [String]
    public var phones: [String]
    public var connection: Connection?
    public var bandwidths: [Bandwidth]
    /// At least one when serialized; WebRTC uses a single `t=0 0`.
    public var timings: [Timing]
    public var timeZones: String?
    public var encryptionKey: String?
    public var attributes: [Attribute]
    public var media: [MediaDescription]

    public init(origin: Origin, sessionName: String = "-", information: String? = nil, uri: String? = nil,
                emails: [String] = [], phones: [String] = [], connection: Connection? = nil,
                bandwidths: [Bandwidth] = [], timings: [Timing] = [Timing()], timeZones: String? = nil,
                encryptionKey: String? = nil, attributes: [Attribute] = [], media: [MediaDescription] = []) {
        self.version = 0
        self.origin = origin
        self.sessionName = sessionName
        self.information = information
        self.uri = uri
        self.emails = emails
        self.phones = phones
        self.connection = connection
        self.bandwidths = bandwidths
        self.timings = timings
        self.timeZones = timeZones
        self.encryptionKey = encryptionKey
        self.attributes = attributes
        self.media = media
    }

    /// Parses a description. Lines may end in CRLF or LF. Throws with the line number for
    /// structural errors, malformed known attributes and exceeded `SDPLimits`.
    public init(parsing text: String) throws(SDPError) {
        self = try SDPParser.parse(Array(text.utf8))
    }

    public init(parsing bytes: [UInt8]) throws(SDPError) {
        self = try SDPParser.parse(bytes)
    }

    /// The description as SDP text with CRLF line endings.
    public func serialized() -> String {
        var out = ""
        out.reserveCapacity(4096)
        func line(_ letter: String, _ value: String) {
            out += letter
            out += "="
            out += value
            out += "\r\n"
        }
        line("v", String(version))
        line("o", origin.lineValue)
        line("s", sessionName)
        if let information { line("i", information) }
        if let uri { line("u", uri) }
        for e in emails { line("e", e) }
        for p in phones { line("p", p) }
        if let connection { line("c", connection.lineValue) }
        for b in bandwidths { line("b", b.lineValue) }
        for t in timings {
            line("t", t.lineValue)
            for r in t.repeats { line("r", r) }
        }
        if let timeZones { line("z", timeZones) }
        if let encryptionKey { line("k", encryptionKey) }
        for a in attributes { line("a", a.lineValue) }
        for m in media {
            line("m", m.mediaLineValue)
            if let information = m.information { line("i", information) }
            if let connection = m.connection { line("c", connection.lineValue) }
            for b in m.bandwidths { line("b", b.lineValue) }
            if let key = m.encryptionKey { line("k", key) }
            for a in m.attributes { line("a", a.lineValue) }
        }
        return out
    }

    // MARK: session-level accessors

    public var groups: [MediaGroup] { values(MediaGroup.self) }

    /// The mids of the first `a=group:BUNDLE`, or nil when nothing is bundled.
    public var bundleGroup: MediaGroup? { groups.first { $0.semantics == "BUNDLE" } }

    public var msidSemantic: MSIDSemantic? { value(MSIDSemantic.self) }

    /// a=ice-lite (session level only, RFC 8839 5.3).
    public var isICELite: Bool {
        get { hasAttribute("ice-lite") }
        set { setFlag("ice-lite", newValue) }
    }

    public func mediaIndex(mid: String) -> Int? { media.firstIndex { $0.mid == mid } }

    public func media(mid: String) -> MediaDescription? { mediaIndex(mid: mid).map { media[$0] } }
}

extension SessionDescription: CustomStringConvertible {
    public var description: String { serialized() }
}
