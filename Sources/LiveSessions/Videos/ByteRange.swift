import Foundation

/// A `Range: bytes=…` request header (RFC 9110 §14.1.2) against a file of `size` bytes.
/// One range only: a multi-range request is answered whole (200), as the RFC allows, since
/// `<video>` elements never ask for several.
public enum ByteRange: Equatable, Sendable {
    /// No usable Range header (absent, not `bytes=`, or several ranges): send the whole file.
    case whole
    /// Send these bytes (206).
    case partial(ClosedRange<Int64>)
    /// The range lies outside the file (416 with `Content-Range: bytes */size`).
    case unsatisfiable

    public static func parse(_ header: String?, size: Int64) -> ByteRange {
        guard let header else { return .whole }
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard trimmed.lowercased().hasPrefix("bytes=") else { return .whole }
        let spec = trimmed.dropFirst(6).trimmingCharacters(in: .whitespaces)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return .whole }
        let first = spec[..<dash].trimmingCharacters(in: .whitespaces)
        let last = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        func number(_ text: String) -> Int64? {
            guard !text.isEmpty, text.count <= 18, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int64(text)
        }
        if first.isEmpty {
            // Suffix: the last N bytes.
            guard let suffix = number(last) else { return .whole }
            guard suffix > 0, size > 0 else { return .unsatisfiable }
            return .partial(max(0, size - suffix)...(size - 1))
        }
        guard let start = number(first) else { return .whole }
        let end: Int64
        if last.isEmpty {
            end = size - 1
        } else {
            guard let value = number(last) else { return .whole }
            guard value >= start else { return .whole }
            end = min(value, size - 1)
        }
        guard start < size else { return .unsatisfiable }
        return .partial(start...end)
    }
}

/// An upload chunk's `Content-Range: bytes <first>-<last>/<total>` (docs/api.md, uploads).
public struct UploadContentRange: Equatable, Sendable {
    public var first: Int64
    public var last: Int64
    public var total: Int64

    public var count: Int64 { last - first + 1 }

    public static func parse(_ header: String) -> UploadContentRange? {
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.lowercased().hasPrefix("bytes ") else { return nil }
        let spec = text.dropFirst(6)
        let halves = spec.split(separator: "/", omittingEmptySubsequences: false)
        guard halves.count == 2 else { return nil }
        let bounds = halves[0].split(separator: "-", omittingEmptySubsequences: false)
        func number(_ text: Substring) -> Int64? {
            guard !text.isEmpty, text.count <= 18, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int64(text)
        }
        guard bounds.count == 2, let first = number(bounds[0]), let last = number(bounds[1]), let total = number(halves[1]),
              first <= last, last < total else { return nil }
        return UploadContentRange(first: first, last: last, total: total)
    }
}
