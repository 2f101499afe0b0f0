/// A b= line: `AS:2000` or `TIAS:2000000` (RFC 8866 5.8, RFC 3890).
public struct Bandwidth: Hashable, Sendable {
    public var type: String
    public var value: UInt64

    public init(type: String, value: UInt64) {
        self.type = type
        self.value = value
    }

    public init(parsing value: String) throws(SDPError) {
        let (type, rest) = SDPSyntax.splitFirst(Substring(value), ":")
        guard SDPSyntax.isToken(type), let rest, let number = SDPSyntax.unsigned(rest, as: UInt64.self) else {
            throw .invalidValue(field: "b=", reason: "needs <type>:<decimal>")
        }
        self.init(type: String(type), value: number)
    }

    public var lineValue: String { "\(type):\(value)" }
}
