/// Every way reading or building SDP can fail. Parse errors carry the 1-based line number of
/// the offending line so a signaling error can point at it.
public enum SDPError: Error, Equatable, Sendable {
    /// The description is larger than `SDPLimits.maxInputBytes`.
    case inputTooLarge(size: Int, limit: Int)
    /// A line is longer than `SDPLimits.maxLineBytes`.
    case lineTooLong(line: Int, limit: Int)
    /// A count limit from `SDPLimits` was exceeded (media sections, attributes, formats, list items).
    case limitExceeded(line: Int, what: String, limit: Int)
    /// The line holds bytes SDP forbids (NUL, a lone CR) or is not UTF-8.
    case invalidCharacters(line: Int)
    /// The line is not `<letter>=<value>`, or its type letter is not allowed at this place
    /// (RFC 8866 fixes the order of lines; unknown type letters make the whole description invalid).
    case unexpectedLine(line: Int, reason: String)
    /// A required line (v=, o=, s=, t=) is absent.
    case missingLine(String)
    /// A line or attribute was recognised but its value is malformed or out of range.
    case malformed(line: Int, field: String, reason: String)
    /// A value parsed outside of a description (for example a trickled candidate) is malformed.
    case invalidValue(field: String, reason: String)
    /// The offer cannot be answered with our capabilities (for example it lacks ICE credentials).
    case cannotAnswer(String)
    /// A peer's answer does not fit the offer we sent (different sections, unknown codecs, no credentials).
    case invalidAnswer(String)

    /// The 1-based line the error refers to, when it refers to one.
    public var line: Int? {
        switch self {
        case .lineTooLong(let line, _), .limitExceeded(let line, _, _), .invalidCharacters(let line),
             .unexpectedLine(let line, _), .malformed(let line, _, _):
            return line
        case .inputTooLarge, .missingLine, .invalidValue, .cannotAnswer, .invalidAnswer:
            return nil
        }
    }

    /// Moves a value error onto a line of a description.
    func at(line: Int) -> SDPError {
        if case .invalidValue(let field, let reason) = self {
            return .malformed(line: line, field: field, reason: reason)
        }
        return self
    }
}
