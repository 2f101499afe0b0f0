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

    public var isUDP: Bool { transport.lowercased() == "udp" }

    /// Parses a candidate value, with or without the `candidate:` prefix trickle messages carry.
    public init(parsing value: String) throws(SDPError) {
        var text = SDPSyntax.trimmed(value)
        if text.hasPrefix("candidate:") { text = text.dropFirst("candidate:".count) }
        let f = SDPSyntax.fields(text)
        guard f.count >= 8, f.count <= 8 + 2 * SDPLimits.maxListItems else {
            throw .invalidValue(field: "candidate", reason: "needs 8 fields up to `typ <type>`")
        }
        guard f[0].utf8.count <= 32, !f[0].isEmpty, SDPSyntax.isICEChars(f[0]) else {
            throw .invalidValue(field: "candidate", reason: "foundation must be 1-32 ice-chars")
        }
        guard f[1].utf8.count <= 3, let component = SDPSyntax.unsigned(f[1], as: UInt16.self, max: 256), component >= 1 else {
            throw .invalidValue(field: "candidate", reason: "component must be 1-256")
        }
        guard SDPSyntax.isToken(f[2]) else { throw .invalidValue(field: "candidate", reason: "bad transport") }
        guard f[3].utf8.count <= 10, let priority = SDPSyntax.unsigned(f[3], as: UInt32.self) else {
            throw .invalidValue(field: "candidate", reason: "priority must be a 32-bit decimal")
        }
        guard SDPSyntax.isVisible(f[4]) else { throw .invalidValue(field: "candidate", reason: "bad address") }
        guard let port = SDPSyntax.unsigned(f[5], as: UInt16.self) else {
            throw .invalidValue(field: "candidate", reason: "port must be 0-65535")
        }
        guard f[6] == "typ", SDPSyntax.isToken(f[7]) else {
            throw .invalidValue(field: "candidate", reason: "expected `typ <type>`")
        }
        var i = 8
        var relatedAddress: String?
        var relatedPort: UInt16?
        if i + 1 < f.count, f[i] == "raddr" {
            guard SDPSyntax.isVisible(f[i + 1]) else { throw .invalidValue(field: "candidate", reason: "bad raddr") }
            relatedAddress = String(f[i + 1])
            i += 2
        }
        if i + 1 < f.count, f[i] == "rport" {
            guard let p = SDPSyntax.unsigned(f[i + 1], as: UInt16.self) else {
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
            guard SDPSyntax.isToken(f[i]), f[i] != "raddr", f[i] != "rport" else {
                throw .invalidValue(field: "candidate", reason: "bad extension name")
            }
            extensions.append(Parameter(String(f[i]), String(f[i + 1])))
            i += 2
        }
        self.init(foundation: String(f[0]), component: component, transport: String(f[2]), priority: priority,
                  address: String(f[4]), port: port, type: CandidateType(String(f[7])),
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
