/// Who takes part in one room of a run and with which credentials: the room's name (a live
/// session's id, or a plain room), a token per publisher and per viewer slot, and the user tokens
/// chat lines and gifts are sent with. Made by `SessionCasting` (accounts and sessions through
/// the control API), `MintedCasting` (room tokens from the server's key) or from the command
/// line (`--wish-only`).
struct RoomCast: Sendable {
    /// Room name in WHIP/WHEP URLs and `/rtc` (a live session's id in session mode).
    var room: String
    var hostToken: String?
    /// The host's user token (control API), to end the session after the run.
    var hostUserToken: String?
    var guestTokens: [String]
    /// One per viewer slot (first viewers and churn joins; a churn join may reuse a token).
    var viewerTokens: [String]
    /// User tokens (control API) of the members who chat, round-robin.
    var chatterTokens: [String] = []
    /// User tokens of the members who send gifts (they hold coins).
    var gifterTokens: [String] = []
    /// A room token for the member that listens on `/rtc` for chat lines and gifts.
    var listenerToken: String?
    /// The live session's id when there is one (chat and gifts need it).
    var sessionID: String?

    func viewerToken(slot: Int) -> String? {
        viewerTokens.isEmpty ? nil : viewerTokens[slot % viewerTokens.count]
    }
}
