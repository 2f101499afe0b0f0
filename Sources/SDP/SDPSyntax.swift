// Lexical rules shared by the line parser and the attribute value parsers. They work on UTF-8
// code units so they are cheap and never trap on odd input.

enum SDPSyntax {
    /// RFC 8866 token-char: %x21 / %x23-27 / %x2A-2B / %x2D-2E / %x30-39 / %x41-5A / %x5E-7E.
    static func isTokenChar(_ c: UInt8) -> Bool {
        switch c {
        case 0x21, 0x23...0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x30...0x39, 0x41...0x5A, 0x5E...0x7E: return true
        default: return false
        }
    }

    static func isToken(_ s: Substring) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy(isTokenChar)
    }

    static func isToken(_ s: String) -> Bool { isToken(Substring(s)) }

    /// RFC 8839 ice-char: ALPHA / DIGIT / "+" / "/".
    static func isICEChars(_ s: Substring) -> Bool {
        s.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2B || c == 0x2F
        }
    }

    /// Visible characters without spaces: what addresses, URIs and ids may hold.
    static func isVisible(_ s: Substring) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { $0 > 0x20 && $0 != 0x7F }
    }

    /// A non-negative decimal with no sign and no spaces that fits `T` and is at most `max`.
    static func unsigned<T: FixedWidthInteger & UnsignedInteger>(_ s: Substring, as: T.Type, max: T = .max) -> T? {
        guard !s.isEmpty, s.utf8.count <= 20 else { return nil }
        var value: T = 0
        for c in s.utf8 {
            guard c >= 0x30, c <= 0x39 else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(T(c - 0x30))
            guard !o1, !o2 else { return nil }
            value = sum
        }
        return value <= max ? value : nil
    }

    /// Splits on runs of spaces and tabs; SDP says single spaces, but peers pad, and the raw text
    /// is kept elsewhere for round trips.
    static func fields(_ s: Substring) -> [Substring] {
        s.split(whereSeparator: { $0 == " " || $0 == "\t" })
    }

    static func fields(_ s: String) -> [Substring] { fields(Substring(s)) }

    static func trimmed(_ s: String) -> Substring { trimmed(Substring(s)) }

    static func trimmed(_ s: Substring) -> Substring {
        var sub = s
        while let f = sub.first, f == " " || f == "\t" { sub.removeFirst() }
        while let l = sub.last, l == " " || l == "\t" { sub.removeLast() }
        return sub
    }

    /// Splits `s` at the first `separator`: ("a", "b c") for "a b c" with " ".
    static func splitFirst(_ s: Substring, _ separator: Character) -> (Substring, Substring?) {
        guard let i = s.firstIndex(of: separator) else { return (s, nil) }
        return (s[s.startIndex..<i], s[s.index(after: i)...])
    }

    static func payloadType(_ s: Substring) -> UInt8? { unsigned(s, as: UInt8.self, max: 127) }
}
