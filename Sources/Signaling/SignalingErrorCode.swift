/// The `code` of a WebSocket `error` message. Stable strings: clients switch on them.
public enum SignalingErrorCode: String, Sendable, Codable, CaseIterable {
    /// The message is not JSON, not an object, or lacks / mistypes a field.
    case badRequest = "bad_request"
    case unknownType = "unknown_type"
    /// `join.protocol` names a version this server does not speak.
    case unsupportedProtocol = "unsupported_protocol"
    /// Token missing, malformed, forged or expired. The socket is closed (1008) after it.
    case unauthorized
    /// The token's role may not do this (a viewer offering to send media), or the token is for
    /// another room (then the socket is closed, 1008).
    case forbidden
    /// Anything but `join` / `ping` before a successful `join`.
    case notJoined = "not_joined"
    case alreadyJoined = "already_joined"
    /// `answer` / `candidate` without a peer session (send an `offer` first).
    case noSession = "no_session"
    /// The SDP does not parse or cannot be answered.
    case badOffer = "bad_offer"
    case badCandidate = "bad_candidate"
    /// Not possible in the session's state (e.g. offers crossing: answer the server's first).
    case conflict
    /// The media plane is shutting down or full.
    case unavailable
}
