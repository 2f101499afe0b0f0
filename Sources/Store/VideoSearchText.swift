import Foundation

/// Turns what a person typed into an FTS5 MATCH expression that can only mean "these words":
/// every term becomes a quoted string (quotes doubled inside), so no operator, column filter,
/// NEAR group or parenthesis that the text contains reaches FTS5's query parser. Terms are ANDed;
/// the last one matches as a prefix, so results follow typing.
public enum VideoSearchText {
    public static let maxTerms = 8
    public static let maxTermLength = 64

    /// Nil when the text has no searchable word (nothing to match).
    public static func matchExpression(_ text: String) -> String? {
        let terms = text.split(whereSeparator: { $0.isWhitespace })
            .map { String($0.prefix(maxTermLength)) }
            // A term of punctuation alone has no token, and would make the AND match nothing.
            .filter { $0.contains { $0.isLetter || $0.isNumber } }
            .prefix(maxTerms)
        guard !terms.isEmpty else { return nil }
        return terms.enumerated().map { index, term in
            let quoted = "\"" + term.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            return index == terms.count - 1 ? quoted + "*" : quoted
        }.joined(separator: " ")
    }
}
