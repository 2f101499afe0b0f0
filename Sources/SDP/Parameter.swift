/// A `name=value` (or bare `name`) item of an fmtp or rid parameter list, in the order written.
public struct Parameter: Hashable, Sendable {
    public var name: String
    public var value: String?

    public init(_ name: String, _ value: String? = nil) {
        self.name = name
        self.value = value
    }

    /// Parses `a=1;b;c=x y` style lists: items separated by `;`, spaces around items ignored.
    static func list(_ t: ByteText, _ r: Range<Int>, field: String) throws(SDPError) -> [Parameter] {
        var out: [Parameter] = []
        let b = t.bytes
        var i = r.lowerBound
        // One pass: item = [blanks] name [blanks] ["=" [blanks] value [blanks]], items split by ';'.
        while i < r.upperBound {
            var itemEnd = i
            var equals = -1
            while itemEnd < r.upperBound, b[itemEnd] != 0x3B {
                if equals < 0, b[itemEnd] == 0x3D { equals = itemEnd }
                itemEnd += 1
            }
            let nameRange = t.trimmed(i..<(equals >= 0 ? equals : itemEnd))
            if equals >= 0 || nameRange.upperBound > nameRange.lowerBound {
                guard out.count < SDPLimits.maxListItems else {
                    throw .invalidValue(field: field, reason: "more than \(SDPLimits.maxListItems) parameters")
                }
                guard nameRange.upperBound > nameRange.lowerBound, t.firstIndex(of: 0x20, in: nameRange) == nil,
                      t.firstIndex(of: 0x09, in: nameRange) == nil else {
                    throw .invalidValue(field: field, reason: "parameter without a name")
                }
                var value: String?
                if equals >= 0 { value = t.string(t.trimmed((equals + 1)..<itemEnd)) }
                out.append(Parameter(t.string(nameRange), value))
            }
            i = itemEnd + 1
        }
        return out
    }

    static func list(_ text: String, field: String) throws(SDPError) -> [Parameter] {
        let t = ByteText(text)
        return try list(t, t.all, field: field)
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
