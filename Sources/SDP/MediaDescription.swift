/// One m= section with its i=, c=, b=, k= lines and its attributes in order.
public struct MediaDescription: AttributeContainer, Hashable, Sendable {
    public var kind: MediaKind
    /// 0 marks a rejected or disabled section (RFC 8866 5.14, JSEP 5.3.1); 9 is the discard
    /// port used when candidates carry the real address.
    public var port: UInt16
    /// The `/<number of ports>` suffix, which WebRTC never writes.
    public var portCount: UInt16?
    /// `UDP/TLS/RTP/SAVPF`, `UDP/DTLS/SCTP`, ...
    public var proto: String
    /// Payload types for RTP, `webrtc-datachannel` for data channels.
    public var formats: [String]
    public var information: String?
    public var connection: Connection?
    public var bandwidths: [Bandwidth]
    public var encryptionKey: String?
    public var attributes: [Attribute]

    public init(kind: MediaKind, port: UInt16 = 9, portCount: UInt16? = nil, proto: String, formats: [String],
                information: String? = nil, connection: Connection? = nil, bandwidths: [Bandwidth] = [],
                encryptionKey: String? = nil, attributes: [Attribute] = []) {
        self.kind = kind
        self.port = port
        self.portCount = portCount
        self.proto = proto
        self.formats = formats
        self.information = information
        self.connection = connection
        self.bandwidths = bandwidths
        self.encryptionKey = encryptionKey
        self.attributes = attributes
    }

    /// Parses the value of an m= line: `<media> <port>[/<count>] <proto> <fmt>...`.
    public init(parsingMediaLine value: String) throws(SDPError) {
        let t = ByteText(value)
        try self.init(mediaLine: t, t.all)
    }

    init(mediaLine t: ByteText, _ r: Range<Int>) throws(SDPError) {
        let f = t.fields(r)
        guard f.count >= 4 else { throw .invalidValue(field: "m=", reason: "needs <media> <port> <proto> <fmt>...") }
        guard f.count - 3 <= SDPLimits.maxFormats else {
            throw .invalidValue(field: "m=", reason: "more than \(SDPLimits.maxFormats) formats")
        }
        guard t.isToken(f[0]) else { throw .invalidValue(field: "m=", reason: "media type must be a token") }
        let (portText, countText) = t.splitFirst(f[1], 0x2F)
        guard let port = t.uint16(portText) else {
            throw .invalidValue(field: "m=", reason: "port must be 0-65535")
        }
        var count: UInt16?
        if let countText {
            guard let c = t.uint16(countText), c > 0 else {
                throw .invalidValue(field: "m=", reason: "port count must be 1-65535")
            }
            count = c
        }
        // proto = token *("/" token)
        let protoParts = t.split(f[2], 0x2F)
        guard protoParts.allSatisfy({ t.isToken($0) }) else {
            throw .invalidValue(field: "m=", reason: "proto must be tokens joined by '/'")
        }
        let isRTP = protoParts.contains { t.equals($0, "RTP") }
        for fmt in f[3...] {
            guard t.isToken(fmt) else { throw .invalidValue(field: "m=", reason: "format must be a token") }
            if isRTP, t.payloadType(fmt) == nil {
                throw .invalidValue(field: "m=", reason: "RTP formats must be payload types 0-127")
            }
        }
        self.init(kind: MediaKind(t.string(f[0])), port: port, portCount: count, proto: t.string(f[2]),
                  formats: f[3...].map(t.string))
    }

    public var mediaLineValue: String {
        let portText = portCount.map { "\(port)/\($0)" } ?? String(port)
        return ([kind.token, portText, proto] + formats).joined(separator: " ")
    }

    /// RTP sections carry payload types; `UDP/DTLS/SCTP` ones carry data channels.
    public var isRTP: Bool { proto.split(separator: "/").contains("RTP") }

    public var isDataChannel: Bool { kind == .application && proto.hasSuffix("SCTP") }

    /// Port 0: rejected in an answer, or disabled (RFC 8843 bundle-only sections keep port 0
    /// with a=bundle-only, which `isBundleOnly` tells apart).
    public var isRejected: Bool { port == 0 && !isBundleOnly }

    public var isBundleOnly: Bool { hasAttribute("bundle-only") }

    // MARK: identity and direction

    public var mid: String? {
        get { attributeValue("mid").map(SDPText.trimmed) }
        set { setAttribute("mid", newValue) }
    }

    /// The section's direction; sendrecv when none is written (RFC 8866 6.7).
    public var direction: MediaDirection {
        get { explicitDirection ?? .sendrecv }
        set { explicitDirection = newValue }
    }

    public var msids: [MediaStreamID] { values(MediaStreamID.self) }

    public var isRTCPMux: Bool {
        get { hasAttribute("rtcp-mux") }
        set { setFlag("rtcp-mux", newValue) }
    }

    public var isRTCPReducedSize: Bool {
        get { hasAttribute("rtcp-rsize") }
        set { setFlag("rtcp-rsize", newValue) }
    }

    // MARK: transport

    public var candidates: [SDPCandidate] { values(SDPCandidate.self) }

    public var isEndOfCandidates: Bool { hasAttribute("end-of-candidates") }

    public var sctpPort: UInt16? {
        get { attributeValue("sctp-port").flatMap { SDPText.unsigned($0, max: UInt64(UInt16.max)) }.map { UInt16($0) } }
        set { setAttribute("sctp-port", newValue.map(String.init)) }
    }

    /// a=max-message-size (RFC 8841); 0 means "no limit". nil when absent (then 64 KiB applies).
    public var maxMessageSize: UInt64? {
        get { attributeValue("max-message-size").flatMap { SDPText.unsigned($0) } }
        set { setAttribute("max-message-size", newValue.map(String.init)) }
    }
}
