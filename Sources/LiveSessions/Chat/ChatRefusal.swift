import API

/// Why a chat line was not posted; the same reasons whether it came by the API or a data channel.
enum ChatRefusal: Error, Equatable, TRPCErrorConvertible {
    case empty
    case tooLong
    case forbiddenCharacter
    /// Muted in this session until then (seconds from now, rounded up).
    case muted(seconds: Int)
    /// Slow mode: the next line may come in this many seconds.
    case slowMode(seconds: Int)
    /// The per-user rate limit: retry in this many seconds.
    case tooFast(seconds: Int)
    /// Not allowed in the session (banned, private), or it is over.
    case notAllowed(String)
    case sessionEnded

    /// The `code` of a `chat_error` on a data channel.
    var code: String {
        switch self {
        case .empty: "empty"
        case .tooLong: "too_long"
        case .forbiddenCharacter: "forbidden_character"
        case .muted: "muted"
        case .slowMode: "slow_mode"
        case .tooFast: "too_fast"
        case .notAllowed: "not_allowed"
        case .sessionEnded: "session_ended"
        }
    }

    var message: String {
        switch self {
        case .empty: "the message is empty"
        case .tooLong: "a message has at most \(ChatText.maxCharacters) characters"
        case .forbiddenCharacter: "control characters and bidi overrides are not allowed"
        case .muted(let seconds): "you are muted in this chat for \(seconds) more s"
        case .slowMode(let seconds): "slow mode: wait \(seconds) s"
        case .tooFast(let seconds): "too many messages, retry in \(seconds) s"
        case .notAllowed(let why): why
        case .sessionEnded: "the session has ended"
        }
    }

    /// Seconds until the line could go, where that is known.
    var retryAfter: Int? {
        switch self {
        case .muted(let s), .slowMode(let s), .tooFast(let s): s
        default: nil
        }
    }

    var trpcError: TRPCError {
        switch self {
        case .empty, .tooLong, .forbiddenCharacter: InputValidation.failure("text", message)
        case .muted, .notAllowed: .forbidden(message)
        case .slowMode(let seconds), .tooFast(let seconds): TRPCError(.tooManyRequests, message, retryAfterSeconds: seconds)
        case .sessionEnded: .notFound(message)
        }
    }
}
