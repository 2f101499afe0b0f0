/// Checks handlers run on decoded input, each throwing BAD_REQUEST that names the field the
/// way decoding failures do (`input.title: must be 1-120 characters`).
///
/// Lengths count Characters (what a person sees as one letter), so "👩‍👩‍👧" is one.
public enum InputValidation {
    public static func nonEmpty(_ value: String, field: String) throws(TRPCError) {
        guard !value.allSatisfy(\.isWhitespace) else { throw failure(field, "must not be empty") }
    }

    public static func length(_ value: String, field: String, in range: ClosedRange<Int>) throws(TRPCError) {
        guard range.contains(value.count) else {
            throw failure(field, "must be \(range.lowerBound)-\(range.upperBound) characters")
        }
    }

    /// Byte length in UTF-8, for limits the storage imposes (bcrypt's 72 bytes, say).
    public static func byteLength(_ value: String, field: String, in range: ClosedRange<Int>) throws(TRPCError) {
        guard range.contains(value.utf8.count) else {
            throw failure(field, "must be \(range.lowerBound)-\(range.upperBound) bytes")
        }
    }

    public static func range<Value: Comparable>(_ value: Value, field: String, in range: ClosedRange<Value>) throws(TRPCError) {
        guard range.contains(value) else {
            throw failure(field, "must be between \(range.lowerBound) and \(range.upperBound)")
        }
    }

    public static func count<Items: Collection>(_ items: Items, field: String, in range: ClosedRange<Int>) throws(TRPCError) {
        guard range.contains(items.count) else {
            throw failure(field, "must have \(range.lowerBound)-\(range.upperBound) items")
        }
    }

    /// Every character passes `allowed`; `description` says which ones do ("letters, digits and _").
    public static func characters(_ value: String, field: String, allowed: (Character) -> Bool, description: String) throws(TRPCError) {
        guard value.allSatisfy(allowed) else { throw failure(field, "may contain only \(description)") }
    }

    /// `http` or `https` URL with a host, at most `maxLength` characters.
    public static func webURL(_ value: String, field: String, maxLength: Int = 2048) throws(TRPCError) {
        let lower = value.lowercased()
        let rest: Substring
        if lower.hasPrefix("https://") {
            rest = lower.dropFirst(8)
        } else if lower.hasPrefix("http://") {
            rest = lower.dropFirst(7)
        } else {
            throw failure(field, "must be an http(s) URL")
        }
        guard value.count <= maxLength, let hostStart = rest.first, hostStart != "/", hostStart != "?", hostStart != "#",
              !value.contains(where: { $0.isWhitespace }) else {
            throw failure(field, "must be an http(s) URL")
        }
    }

    public static func failure(_ field: String, _ problem: String) -> TRPCError {
        .badRequest("input.\(field): \(problem)")
    }
}
