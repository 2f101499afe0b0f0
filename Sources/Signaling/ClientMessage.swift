/// A request from a WebSocket client (docs/signaling.md has the wire format).
public enum ClientMessage: Sendable, Equatable {
    /// Enter the room. `token` is needed when the URL had none; `room`, when given, must be the
    /// token's room; `protocolVersion`, when given, must be one the server speaks.
    case join(room: String?, token: String?, protocolVersion: Int?)
    /// An SDP offer: the first opens the peer session, later ones renegotiate (or restart ICE).
    case offer(sdp: String)
    /// The client's answer to a server `offer`.
    case answer(sdp: String)
    /// A trickled candidate (`candidate:` prefix optional); an empty one ends the candidates.
    case candidate(candidate: String, mid: String?)
    /// What the client wants of one video track it receives: at most this height, and/or this
    /// spatial layer (0 = lowest). Neither: back to the SFU's own choice.
    case setVideo(trackID: String, maxHeight: Int?, layer: Int?)
    case leave
    case ping

    /// The wire `type` of each message.
    public var type: String {
        switch self {
        case .join: "join"
        case .offer: "offer"
        case .answer: "answer"
        case .candidate: "candidate"
        case .setVideo: "set_video"
        case .leave: "leave"
        case .ping: "ping"
        }
    }
}
