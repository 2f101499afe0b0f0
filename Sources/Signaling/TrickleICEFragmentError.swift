import SDP

/// Why a trickle-ICE SDP fragment was refused (WHIP/WHEP PATCH answers 400).
public enum TrickleICEFragmentError: Error, Sendable, Equatable {
    case tooLarge(Int)
    case lineTooLong(line: Int)
    /// Control characters other than tab (and the CR of a line end), or bytes that are not UTF-8.
    case invalidCharacters(line: Int)
    /// Not `<letter>=<value>`, an `m=` line without its fields, or an ICE attribute without a value.
    case malformedLine(line: Int)
    case badCandidate(line: Int, SDPError)
    case tooManyCandidates
}
