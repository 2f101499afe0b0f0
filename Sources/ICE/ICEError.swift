// Module ICE: an ICE-lite agent (RFC 8445 §2.5) with consent freshness (RFC 7675), sans-I/O.
//
// What it does: answers STUN Binding checks addressed to our credentials, authenticates them
// (short-term MESSAGE-INTEGRITY), selects the address the controlling peer nominates
// (USE-CANDIDATE), follows re-nominations after NAT rebinding, tracks consent per address,
// reports consent expiry from deadlines the caller drives, and handles ICE restarts. Bytes and
// time in; datagrams to send, events and the next deadline out.
//
// What it does not: no candidate gathering, no outgoing checks or pacing (a lite agent only
// answers), no controlling role, no TURN, no sockets or clocks. SDP handling lives in `SDP`,
// sockets and routing of unknown addresses by ufrag in `MediaTransport`.

/// Why credentials were refused.
public enum ICEError: Error, Sendable, Hashable {
    /// ufrag must be 4-256 ice-chars (ALPHA / DIGIT / "+" / "/", RFC 8839 §5.4).
    case invalidUfrag(String)
    /// password must be 22-256 ice-chars. The value is not echoed: it is a secret.
    case invalidPassword(length: Int)
}
