// The lexical layer: UTF-8 bytes and index ranges into them. Every range comes from a scan
// bounded by the buffer, so nothing here can over-read; the plain Int loops also keep parsing
// fast in debug builds, where generic Substring algorithms are not specialized.

/// Text as bytes, with helpers that take and return ranges of `bytes`.
struct ByteText {
    let bytes: [UInt8]

    init(_ string: String) { bytes = Array(string.utf8) }

    init(bytes: [UInt8]) { self.bytes = bytes }

    var all: Range<Int> { 0..<bytes.count }

    func string(_ r: Range<Int>) -> String { String(decoding: bytes[r], as: UTF8.self) }

    func byte(_ i: Int) -> UInt8? { i >= 0 && i < bytes.count ? bytes[i] : nil }

    /// Whether the range holds exactly `literal` (ASCII).
    func equals(_ r: Range<Int>, _ literal: StaticString) -> Bool {
        let n = r.upperBound - r.lowerBound
        guard n == literal.utf8CodeUnitCount, r.lowerBound >= 0, r.upperBound <= bytes.count else { return false }
        let p = literal.utf8Start
        var i = 0
        while i < n {
            if bytes[r.lowerBound + i] != p[i] { return false }
            i += 1
        }
        return true
    }

    /// `r.count` without the generic Collection path (this file is hot in debug builds).
    static func length(_ r: Range<Int>) -> Int { r.upperBound - r.lowerBound }

    // MARK: splitting

    /// Fields separated by runs of spaces or tabs (SDP says single spaces; peers pad).
    func fields(_ r: Range<Int>) -> [Range<Int>] {
        var out: [Range<Int>] = []
        out.reserveCapacity(16)
        var i = r.lowerBound
        let end = r.upperBound
        // The blank test is spelled out, not called: this loop is the hottest in the parser.
        while i < end {
            var c = bytes[i]
            while c == 0x20 || c == 0x09 {
                i += 1
                if i == end { return out }
                c = bytes[i]
            }
            let start = i
            while i < end {
                c = bytes[i]
                if c == 0x20 || c == 0x09 { break }
                i += 1
            }
            out.append(start..<i)
        }
        return out
    }

    /// Pieces between `separator`s, empty ones included ("a;;b" gives three).
    func split(_ r: Range<Int>, _ separator: UInt8) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = r.lowerBound
        var i = r.lowerBound
        while i < r.upperBound {
            if bytes[i] == separator {
                out.append(start..<i)
                start = i + 1
            }
            i += 1
        }
        out.append(start..<r.upperBound)
        return out
    }

    /// Splits at the first `separator`: (before, after), after nil when there is none.
    func splitFirst(_ r: Range<Int>, _ separator: UInt8) -> (Range<Int>, Range<Int>?) {
        guard let i = firstIndex(of: separator, in: r) else { return (r, nil) }
        return (r.lowerBound..<i, (i + 1)..<r.upperBound)
    }

    func firstIndex(of byte: UInt8, in r: Range<Int>) -> Int? {
        var i = r.lowerBound
        while i < r.upperBound {
            if bytes[i] == byte { return i }
            i += 1
        }
        return nil
    }

    func trimmed(_ r: Range<Int>) -> Range<Int> {
        var lo = r.lowerBound, hi = r.upperBound
        while lo < hi, ByteText.isBlank(bytes[lo]) { lo += 1 }
        while hi > lo, ByteText.isBlank(bytes[hi - 1]) { hi -= 1 }
        return lo..<hi
    }

    // MARK: character classes

    static func isBlank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }

    /// RFC 8866 token-char: %x21 / %x23-27 / %x2A-2B / %x2D-2E / %x30-39 / %x41-5A / %x5E-7E.
    static func isTokenChar(_ c: UInt8) -> Bool {
        c == 0x21 || (c >= 0x23 && c <= 0x27) || c == 0x2A || c == 0x2B || c == 0x2D || c == 0x2E
            || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x5E && c <= 0x7E)
    }

    static func isAlphaNumeric(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
    }

    /// RFC 8839 ice-char: ALPHA / DIGIT / "+" / "/".
    static func isICEChar(_ c: UInt8) -> Bool { isAlphaNumeric(c) || c == 0x2B || c == 0x2F }

    /// RFC 8851 rid-id characters: ALPHA / DIGIT / "-" / "_".
    static func isRIDChar(_ c: UInt8) -> Bool { isAlphaNumeric(c) || c == 0x2D || c == 0x5F }

    /// Visible, no spaces: addresses, URIs, ids.
    static func isVisibleChar(_ c: UInt8) -> Bool { c > 0x20 && c != 0x7F }

    func all(_ r: Range<Int>, _ test: (UInt8) -> Bool) -> Bool {
        var i = r.lowerBound
        while i < r.upperBound {
            if !test(bytes[i]) { return false }
            i += 1
        }
        return true
    }

    func isToken(_ r: Range<Int>) -> Bool {
        guard r.upperBound > r.lowerBound else { return false }
        var i = r.lowerBound
        while i < r.upperBound {
            // token-char spelled out (see isTokenChar): called for every attribute name.
            let c = bytes[i]
            guard c == 0x21 || (c >= 0x23 && c <= 0x27) || c == 0x2A || c == 0x2B || c == 0x2D || c == 0x2E
                || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x5E && c <= 0x7E) else { return false }
            i += 1
        }
        return true
    }

    func isVisible(_ r: Range<Int>) -> Bool {
        guard r.upperBound > r.lowerBound else { return false }
        var i = r.lowerBound
        while i < r.upperBound {
            let c = bytes[i]
            if c <= 0x20 || c == 0x7F { return false }
            i += 1
        }
        return true
    }

    // MARK: numbers

    /// A non-negative decimal (digits only, no sign) of at most `max`.
    func unsigned(_ r: Range<Int>, max: UInt64 = .max) -> UInt64? {
        let n = r.upperBound - r.lowerBound
        guard n > 0, n <= 20 else { return nil }
        var value: UInt64 = 0
        var i = r.lowerBound
        while i < r.upperBound {
            let c = bytes[i]
            guard c >= 0x30, c <= 0x39 else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(c - 0x30))
            guard !o1, !o2 else { return nil }
            value = sum
            i += 1
        }
        return value <= max ? value : nil
    }

    func uint8(_ r: Range<Int>, max: UInt8 = .max) -> UInt8? { unsigned(r, max: UInt64(max)).map { UInt8($0) } }
    func uint16(_ r: Range<Int>, max: UInt16 = .max) -> UInt16? { unsigned(r, max: UInt64(max)).map { UInt16($0) } }
    func uint32(_ r: Range<Int>) -> UInt32? { unsigned(r, max: UInt64(UInt32.max)).map { UInt32($0) } }
    func payloadType(_ r: Range<Int>) -> UInt8? { uint8(r, max: 127) }

    static func hexValue(_ c: UInt8) -> UInt8? {
        if c >= 0x30, c <= 0x39 { return c - 0x30 }
        if c >= 0x41, c <= 0x46 { return c - 0x41 + 10 }
        if c >= 0x61, c <= 0x66 { return c - 0x61 + 10 }
        return nil
    }

    /// Bytes from an even-length run of hex digits (no signs, unlike `UInt8(_:radix:)`).
    func hexBytes(_ r: Range<Int>) -> [UInt8]? {
        let n = r.upperBound - r.lowerBound
        guard n % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(n / 2)
        var i = r.lowerBound
        while i + 1 < r.upperBound {
            guard let hi = ByteText.hexValue(bytes[i]), let lo = ByteText.hexValue(bytes[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}
