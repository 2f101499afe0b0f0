import SDP

/// An `application/trickle-ice-sdpfrag` body (RFC 8840 §9, as WHIP/WHEP PATCH carries it):
/// ICE credentials, `m=` sections with their `a=mid`, candidates and `a=end-of-candidates`.
///
/// Parsing is bounded (`maxBytes`, `maxLineBytes`, `maxCandidates`) and every candidate is checked
/// with the SDP module's candidate grammar, so what reaches the media plane is well formed.
public struct TrickleICEFragment: Sendable, Equatable {
    public static let maxBytes = 64 * 1024
    public static let maxLineBytes = 4 * 1024
    public static let maxCandidates = 256

    public struct Candidate: Sendable, Equatable {
        /// The attribute value, without `a=` and `candidate:` (what `MediaPlane.addRemoteCandidate` takes).
        public var value: String
        /// The `a=mid` of the section the candidate was in; nil outside any section.
        public var mid: String?
    }

    public var iceUfrag: String?
    public var icePwd: String?
    public var candidates: [Candidate]
    public var endOfCandidates: Bool

    public init(parsing text: String) throws(TrickleICEFragmentError) {
        try self.init(parsing: Array(text.utf8))
    }

    /// Parses the body as received. Values must be UTF-8 (`invalidCharacters` otherwise): bytes
    /// are never silently repaired.
    public init(parsing body: [UInt8]) throws(TrickleICEFragmentError) {
        guard body.count <= Self.maxBytes else { throw .tooLarge(body.count) }
        iceUfrag = nil
        icePwd = nil
        candidates = []
        endOfCandidates = false
        // Candidates of the open section wait for its a=mid, which may come after them.
        var sectionCandidates: [String] = []
        var sectionMid: String?
        var inSection = false
        func closeSection() {
            for value in sectionCandidates { candidates.append(Candidate(value: value, mid: sectionMid)) }
            sectionCandidates = []
            sectionMid = nil
        }
        var number = 0
        // Lines are found on bytes (as Characters, "\r\n" is one grapheme and never equals "\n"),
        // one at a time rather than split up front, so a bad line stops the work at once.
        var start = body.startIndex
        while start < body.endIndex {
            let end = body[start...].firstIndex(of: 0x0A) ?? body.endIndex
            var lineBytes = body[start..<end]
            start = end + 1
            number += 1
            if lineBytes.last == 0x0D { lineBytes = lineBytes.dropLast() }
            if lineBytes.isEmpty { continue }
            guard lineBytes.count <= Self.maxLineBytes else { throw .lineTooLong(line: number) }
            guard !lineBytes.contains(where: { $0 < 0x20 && $0 != 0x09 }) else { throw .invalidCharacters(line: number) }
            let bytes = Array(lineBytes.prefix(2))
            guard bytes.count == 2, bytes[1] == UInt8(ascii: "="),
                  (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[0]) else {
                throw .malformedLine(line: number)
            }
            guard let text = String(validating: lineBytes.dropFirst(2), as: UTF8.self) else {
                throw .invalidCharacters(line: number)
            }
            let value = Substring(text)
            switch bytes[0] {
            case UInt8(ascii: "m"):
                guard value.split(separator: " ").count >= 3 else { throw .malformedLine(line: number) }
                if inSection { closeSection() }
                inSection = true
            case UInt8(ascii: "a"):
                let (name, attributeValue) = Self.splitAttribute(value)
                switch name {
                case "ice-ufrag":
                    guard let attributeValue, !attributeValue.isEmpty else { throw .malformedLine(line: number) }
                    iceUfrag = attributeValue
                case "ice-pwd":
                    guard let attributeValue, !attributeValue.isEmpty else { throw .malformedLine(line: number) }
                    icePwd = attributeValue
                case "mid":
                    guard let attributeValue, !attributeValue.isEmpty else { throw .malformedLine(line: number) }
                    if inSection { sectionMid = attributeValue }
                case "candidate":
                    guard let attributeValue else { throw .malformedLine(line: number) }
                    do {
                        _ = try SDPCandidate(parsing: attributeValue)
                    } catch {
                        throw .badCandidate(line: number, error)
                    }
                    guard candidates.count + sectionCandidates.count < Self.maxCandidates else {
                        throw .tooManyCandidates
                    }
                    if inSection {
                        sectionCandidates.append(attributeValue)
                    } else {
                        candidates.append(Candidate(value: attributeValue, mid: nil))
                    }
                case "end-of-candidates":
                    endOfCandidates = true
                default:
                    // ice-options, group:BUNDLE and anything newer: nothing to do with them here.
                    break
                }
            default:
                // Other line types have no meaning in a fragment; RFC 8840 has none, skip them.
                break
            }
        }
        closeSection()
    }

    /// `name:value` → (name, value); `name` alone → (name, nil).
    private static func splitAttribute(_ text: Substring) -> (String, String?) {
        guard let colon = text.firstIndex(of: ":") else { return (String(text), nil) }
        let value = text[text.index(after: colon)...].trimmingSpaces()
        return (String(text[..<colon]), String(value))
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    func trimmingSpaces() -> Substring {
        var s = self
        while let first = s.first, first == " " || first == "\t" { s = s.dropFirst() }
        while let last = s.last, last == " " || last == "\t" { s = s.dropLast() }
        return s
    }
}
