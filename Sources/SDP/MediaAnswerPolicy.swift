/// What the caller wants done with one offered section (chosen per mid).
public enum MediaAnswerPolicy: Hashable, Sendable {
    /// Take what the peer sends; if the peer also wants to receive and `send` is given, send
    /// that track back (direction sendrecv), otherwise answer recvonly/inactive.
    case accept(send: OutgoingStream?)
    /// Port 0, out of BUNDLE.
    case reject

    public static let receive = MediaAnswerPolicy.accept(send: nil)
}
