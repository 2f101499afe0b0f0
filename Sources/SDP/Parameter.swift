/// A `name=value` (or bare `name`) item of an fmtp or rid parameter list, in the order written.
public struct Parameter: Hashable, Sendable {
    public var name: String
    public var value: String?

    public init(_ name: String, _ value: String? = nil) {
        self.name = name
        self.value = value
    }

    /// Parses `a=1;b;c=x y` style lists: items separated by `;`, spaces around items ignored.
    static func list(_ text: Substring, field: String) throws(SDPError) -> [Parameter] {
        var out: [Parameter] = []
        for item in text.split(separator: ";", omittingEmptySubsequences: true) {
            let trimmed = SDPSyntax.trimmed(item)
            if trimmed.isEmpty { continue }
            guard out.count < SDPLimits.maxListItems else {
                throw .invalidValue(field: field, reason: "more than \(SDPLimits.maxListItems) parameters")
            }
            let (name, value) = SDPSyntax.splitFirst(trimmed, "=")
            guard !name.isEmpty, !name.utf8.contains(0x20) else {
                throw .invalidValue(field: field, reason: "parameter without a name")
            }
            out.append(Parameter(String(name), value.map { String(SDPSyntax.trimmed($0)) }))
        }
        return out
    }

    static func serialize(_ list: [Parameter]) -> String {
        list.map { p in p.value.map { "\(p.name)=\($0)" } ?? p.name }.joined(separator: ";")
    }
}

extension Array where Element == Parameter {
    /// The value of the first parameter with this name (names compare case-insensitively,
    /// as RFC 6184 and RFC 7741 define their parameters).
    public subscript(parameter name: String) -> String? {
        first { $0.name.lowercased() == name.lowercased() }?.value
    }
}
