// Validation of attribute values while parsing. Kept apart from the line reader so the rules
// for each attribute are in one place.

/// Checks the attributes of one level (session, or one media section): values of known
/// attributes parse, single-valued ones appear once, ids are not reused.
struct SectionCheck {
    private var singles: Set<String> = []
    private var payloadTypes = [Bool](repeating: false, count: 128)
    private var extensionIDs: Set<UInt16> = []
    private var ridIDs: Set<String> = []

    private mutating func once(_ key: String) throws(SDPError) {
        guard singles.insert(key).inserted else { throw .invalidValue(field: key, reason: "appears twice in one section") }
    }

    /// `value` is the range after `name:` in `t`, nil for a flag attribute.
    mutating func validate(_ kind: AttributeKind, _ t: ByteText, _ value: Range<Int>?, inMedia: Bool) throws(SDPError) {
        let r = value ?? 0..<0
        let name = kind.rawValue
        switch kind {
        case .candidate: _ = try SDPCandidate(t, r)
        case .rtpmap:
            let map = try RTPMap(t, r)
            guard !payloadTypes[Int(map.payloadType)] else {
                throw .invalidValue(field: "rtpmap", reason: "payload type \(map.payloadType) mapped twice")
            }
            payloadTypes[Int(map.payloadType)] = true
        case .fmtp: _ = try FormatParameters(t, r)
        case .rtcpFeedback: _ = try RTCPFeedback(t, r)
        case .extmap:
            let map = try ExtensionMap(t, r)
            guard extensionIDs.insert(map.id).inserted else {
                throw .invalidValue(field: "extmap", reason: "id \(map.id) used twice")
            }
        case .ssrc: _ = try SSRCAttribute(t, r)
        case .ssrcGroup: _ = try SSRCGroup(t, r)
        case .rid:
            let rid = try RIDDescription(t, r)
            guard ridIDs.insert(rid.id).inserted else { throw .invalidValue(field: "rid", reason: "rid \(rid.id) used twice") }
        case .simulcast:
            try once(name)
            _ = try Simulcast(t, r)
        case .fingerprint: _ = try SDPFingerprint(t, r)
        case .setup:
            try once(name)
            guard SetupRole(rawValue: t.string(t.trimmed(r))) != nil else {
                throw .invalidValue(field: "setup", reason: "must be actpass, active, passive or holdconn")
            }
        case .group: _ = try MediaGroup(t, r)
        case .msid: _ = try MediaStreamID(t, r)
        case .msidSemantic: _ = try MSIDSemantic(t, r)
        case .mid:
            try once(name)
            guard inMedia, t.isToken(t.trimmed(r)) else {
                throw .invalidValue(field: "mid", reason: "must be a token inside a media section")
            }
        case .iceUfrag:
            try once(name)
            try SectionCheck.iceCredential(t, r, field: name, minimum: 4)
        case .icePwd:
            try once(name)
            try SectionCheck.iceCredential(t, r, field: name, minimum: 22)
        case .iceOptions:
            let f = t.fields(r)
            guard !f.isEmpty, f.allSatisfy({ t.isToken($0) }) else { throw .invalidValue(field: name, reason: "must be tokens") }
        case .sctpPort:
            try once(name)
            guard t.uint16(t.trimmed(r)) != nil else { throw .invalidValue(field: name, reason: "must be 0-65535") }
        case .maxMessageSize:
            try once(name)
            guard t.unsigned(t.trimmed(r)) != nil else { throw .invalidValue(field: name, reason: "must be a 64-bit decimal") }
        case .iceLite: try once(name)
        case .sendrecv, .sendonly, .recvonly, .inactive: try once("direction")
        }
    }

    /// RFC 8839 5.4: ice-ufrag 4-256 ice-chars, ice-pwd 22-256.
    private static func iceCredential(_ t: ByteText, _ r: Range<Int>, field: String, minimum: Int) throws(SDPError) {
        let v = t.trimmed(r)
        guard v.count >= minimum, v.count <= 256, t.all(v, ByteText.isICEChar) else {
            throw .invalidValue(field: field, reason: "must be \(minimum)-256 ice-chars")
        }
    }
}
