/// A typed reading of one attribute's value. Each conforming type parses the text after
/// `a=<name>:` and writes it back; the parser validates every attribute it has a type for, so a
/// parsed description never holds a malformed one.
public protocol AttributeValue: Hashable, Sendable {
    /// The attribute name this type reads (`candidate`, `rtpmap`, ...).
    static var attributeName: String { get }
    init(parsing value: String) throws(SDPError)
    /// The text to put after `a=<name>:`.
    var attributeValue: String { get }
}

extension AttributeValue {
    /// This value as an attribute line.
    public var attribute: Attribute { Attribute(Self.attributeName, attributeValue) }
}
