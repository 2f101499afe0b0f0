/// One a= line: `a=<name>` (a flag) or `a=<name>:<value>`. The value is kept exactly as written
/// (leading spaces included, as in Chromium's `a=msid-semantic: WMS`) so serializing a parsed
/// description gives back its input; typed accessors parse it on demand.
public struct Attribute: Hashable, Sendable {
    public var name: String
    public var value: String?

    public init(_ name: String, _ value: String? = nil) {
        self.name = name
        self.value = value
    }

    /// The text after `a=`.
    public var lineValue: String {
        guard let value else { return name }
        return "\(name):\(value)"
    }
}
