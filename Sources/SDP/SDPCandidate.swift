/// a=candidate (RFC 8839 5.1):
/// `<foundation> <component> <transport> <priority> <address> <port> typ <type>
///  [raddr <address>] [rport <port>] *(<extension name> <extension value>)`.
/// Extensions (`generation 0`, `ufrag x`, `network-id 1`, `tcptype active`) are kept in order.
public struct SDPCandidate: AttributeValue {
    public static let attributeName = "candidate"

    public enum CandidateType: Hashable, Sendable {
        case host, serverReflexive, peerReflexive, relay
        case other(String)

        init(_ token: String) {
            switch token {
            case "host": self = .host
            case "srflx": self = .serverReflexive
            case "prflx": self = .peerReflexive
            case "relay": self = .relay
            default: self = .other(token)
            }
        }

        public var token: String {
            switch self {
            case .host: "host"
            case .serverReflexive: "srflx"
            case .peerReflexive: "prflx"
            case .relay: "relay"
            case .other(let t): t
            }
        }
    }

    /// 1-32 ice-chars.
    public var foundation: String
    /// 1 for RTP (and the only one with rtcp-mux), 2 for RTCP; 1-256.
    public var component: UInt16
    /// As written: `udp`, `UDP`, `tcp`; compare with `isUDP`.
    public var transport: String
    public var priority: UInt32
    /// IPv4, IPv6, or an FQDN (Chromium's mDNS `*.local` names).
    public var address: String
    public var port: UInt16
    public var type: CandidateType
    public var relatedAddress: String?
    public var relatedPort: UInt16?
    public var extensions: [Parameter]

    public init(foundation: String, component: UInt16 = 1, transport: String = "udp", priority: UInt32,
                address: String, port: UInt16, type: CandidateType = .host,
                relatedAddress: String? = nil, relatedPort: UInt16? = nil, extensions: [Parameter] = []) {
        self.foundation = foundation
        self.component = component
        self.transport = transport
        self.priority = priority
        self.address = address
        self.port = port
        self.type = type
        self.relatedAddress = relatedAddress
        self.relatedPort = relatedPort
        self.extensions = extensions
    }

    /// A host UDP candidate with the RFC 8445 5.1.2.1 priority for type preference 126 and
    /// the given local preference, component 1.
    public static func host(foundation: String = "1", address: String, port: UInt16,
                            localPreference: UInt32 = 65535) -> SDPCandidate {
        let priority = (UInt32(126) << 24) | ((localPreference & 0xFFFF) << 8) | (256 - 1)
        return SDPCandidate(foundation: foundation, priority: priority, address: address, port: port)
    }

    /// A passive host TCP candidate (RFC 6544 4.5: port is the listening port, `tcptype passive`)
    /// with the RFC 6544 4.2 local preference for a passive host candidate (direction
    /// preference 4, so it ranks below every UDP host candidate of ours), component 1.
    public static func passiveTCP(foundation: String, address: String, port: UInt16, otherPreference: UInt32 = 8191) -> SDPCandidate {
        let localPreference = (UInt32(4) << 13) | (otherPreference & 0x1FFF)
        let priority = (UInt32(126) << 24) | (localPreference << 8) | (256 - 1)
        return SDPCandidate(foundation: foundation, transport: "tcp", priority: priority, address: address, port: port,
                            extensions: [Parameter("tcptype", "passive")])
    }

    public var isUDP: Bool { transport.lowercased() == "udp" }

    /// Parses a candidate value, with or without the `candidate:` prefix trickle messages carry.
    public init(parsing value: String) throws(SDPError) {
        let t = ByteText(value)
        var r = t.trimmed(t.all)
        if ByteText.length(r) > 10, t.equals(r.lowerBound..<(r.lowerBound + 10), "candidate:") { r = (r.lowerBound + 10)..<r.upperBound }
        try self.init(t, r)
    }

    init(_ t: ByteText, _ r: Range<Int>) throws(SDPError) {
        let f = t.fields(r)
        guard f.count >= 8, f.count <= 8 + 2 * SDPLimits.maxListItems else {
            throw .invalidValue(field: "candidate", reason: "needs 8 fields up to `typ <type>`")
        }
        guard ByteText.length(f[0]) <= 32, t.all(f[0], ByteText.isICEChar) else {
            throw .invalidValue(field: "candidate", reason: "foundation must be 1-32 ice-chars")
        }
        guard ByteText.length(f[1]) <= 3, let component = t.uint16(f[1], max: 256), component >= 1 else {
            throw .invalidValue(field: "candidate", reason: "component must be 1-256")
        }
        guard t.isToken(f[2]) else { throw .invalidValue(field: "candidate", reason: "bad transport") }
        guard ByteText.length(f[3]) <= 10, let priority = t.uint32(f[3]) else {
            throw .invalidValue(field: "candidate", reason: "priority must be a 32-bit decimal")
        }
        guard t.isVisible(f[4]) else { throw .invalidValue(field: "candidate", reason: "bad address") }
        guard let port = t.uint16(f[5]) else {
            throw .invalidValue(field: "candidate", reason: "port must be 0-65535")
        }
        guard t.equals(f[6], "typ"), t.isToken(f[7]) else {
            throw .invalidValue(field: "candidate", reason: "expected `typ <type>`")
        }
        var i = 8
        var relatedAddress: String?
        var relatedPort: UInt16?
        if i + 1 < f.count, t.equals(f[i], "raddr") {
            guard t.isVisible(f[i + 1]) else { throw .invalidValue(field: "candidate", reason: "bad raddr") }
            relatedAddress = t.string(f[i + 1])
            i += 2
        }
        if i + 1 < f.count, t.equals(f[i], "rport") {
            guard let p = t.uint16(f[i + 1]) else {
                throw .invalidValue(field: "candidate", reason: "rport must be 0-65535")
            }
            relatedPort = p
            i += 2
        }
        guard (f.count - i) % 2 == 0 else {
            throw .invalidValue(field: "candidate", reason: "extensions must be <name> <value> pairs")
        }
        var extensions: [Parameter] = []
        while i + 1 < f.count {
            guard t.isToken(f[i]), !t.equals(f[i], "raddr"), !t.equals(f[i], "rport") else {
                throw .invalidValue(field: "candidate", reason: "bad extension name")
            }
            extensions.append(Parameter(t.string(f[i]), t.string(f[i + 1])))
            i += 2
        }
        self.init(foundation: t.string(f[0]), component: component, transport: t.string(f[2]), priority: priority,
                  address: t.string(f[4]), port: port, type: CandidateType(t.string(f[7])),
                  relatedAddress: relatedAddress, relatedPort: relatedPort, extensions: extensions)
    }

    public var attributeValue: String {
        var s = "\(foundation) \(component) \(transport) \(priority) \(address) \(port) typ \(type.token)"
        if let relatedAddress { s += " raddr \(relatedAddress)" }
        if let relatedPort { s += " rport \(relatedPort)" }
        for e in extensions { s += " \(e.name) \(e.value ?? "")" }
        return s
    }

    /// The value of an extension such as `generation` or `ufrag`.
    public func extensionValue(_ name: String) -> String? { extensions[parameter: name] }
}
