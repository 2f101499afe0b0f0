/// The ICE and DTLS parameters that apply to one media section after inheritance: values
/// written in the section win, then those of the section that leads its BUNDLE group (RFC 8843:
/// bundled sections share the tagged section's transport), then session-level values (aiortc
/// and Janus write ice-ufrag/ice-pwd/fingerprint/setup at session level).
public struct TransportParameters: Hashable, Sendable {
    public var iceUfrag: String?
    public var icePwd: String?
    public var iceOptions: [String]
    public var iceLite: Bool
    public var fingerprints: [SDPFingerprint]
    public var setup: SetupRole?
    public var candidates: [SDPCandidate]
    public var endOfCandidates: Bool

    public init(iceUfrag: String? = nil, icePwd: String? = nil, iceOptions: [String] = [], iceLite: Bool = false,
                fingerprints: [SDPFingerprint] = [], setup: SetupRole? = nil, candidates: [SDPCandidate] = [],
                endOfCandidates: Bool = false) {
        self.iceUfrag = iceUfrag
        self.icePwd = icePwd
        self.iceOptions = iceOptions
        self.iceLite = iceLite
        self.fingerprints = fingerprints
        self.setup = setup
        self.candidates = candidates
        self.endOfCandidates = endOfCandidates
    }
}

extension SessionDescription {
    /// The transport parameters in force for the section at `index`, nil when out of range.
    public func transport(forMediaAt index: Int) -> TransportParameters? {
        guard media.indices.contains(index) else { return nil }
        var sources: [any AttributeContainer] = [media[index]]
        if let mid = media[index].mid,
           let group = groups.first(where: { $0.semantics == "BUNDLE" && $0.mids.contains(mid) }),
           let tag = group.mids.first, let tagIndex = mediaIndex(mid: tag), tagIndex != index {
            sources.append(media[tagIndex])
        }
        sources.append(self)
        func first<T>(_ read: (any AttributeContainer) -> T?) -> T? {
            for s in sources { if let v = read(s) { return v } }
            return nil
        }
        func firstNonEmpty<T>(_ read: (any AttributeContainer) -> [T]) -> [T] {
            for s in sources { let v = read(s); if !v.isEmpty { return v } }
            return []
        }
        let candidateSections = sources.compactMap { $0 as? MediaDescription }
        let candidates = candidateSections.first { !$0.candidates.isEmpty }
        return TransportParameters(
            iceUfrag: first { $0.iceUfrag }, icePwd: first { $0.icePwd },
            iceOptions: firstNonEmpty { $0.iceOptions }, iceLite: isICELite,
            fingerprints: firstNonEmpty { $0.fingerprints }, setup: first { $0.setup },
            candidates: candidates?.candidates ?? [],
            endOfCandidates: candidates?.isEndOfCandidates ?? candidateSections.contains { $0.isEndOfCandidates })
    }

    public func transport(forMid mid: String) -> TransportParameters? {
        mediaIndex(mid: mid).flatMap { transport(forMediaAt: $0) }
    }
}
