/// What we announce about our end of the transport in every description we write: ICE
/// credentials and candidates, DTLS fingerprints, and whether we are an ICE-lite agent.
public struct LocalTransport: Hashable, Sendable {
    public var iceUfrag: String
    public var icePwd: String
    public var fingerprints: [SDPFingerprint]
    public var iceLite: Bool
    /// Our candidates (host UDP address:port of the loop's socket).
    public var candidates: [SDPCandidate]
    /// The o= address; the announce IP by default.
    public var originAddress: String

    public init(iceUfrag: String, icePwd: String, fingerprints: [SDPFingerprint], iceLite: Bool = true,
                candidates: [SDPCandidate], originAddress: String = "127.0.0.1") {
        self.iceUfrag = iceUfrag
        self.icePwd = icePwd
        self.fingerprints = fingerprints
        self.iceLite = iceLite
        self.candidates = candidates
        self.originAddress = originAddress
    }

    /// m= port and c= address to write: those of the first candidate (the default candidate,
    /// RFC 8839 4.2.1.2), or the discard port and 0.0.0.0 when there is none.
    var defaultDestination: (port: UInt16, connection: Connection) {
        guard let c = candidates.first else { return (9, Connection(address: "0.0.0.0")) }
        return (c.port, Connection(address: c.address))
    }
}
