/// A b= line: `AS:2000` or `TIAS:2000000` (RFC 8866 5.8, RFC 3890).
public struct Bandwidth: Hashable, Sendable {
    public var type: String
    public var value: UInt64

    public init(type: String, value: UInt64) {
        self.type = type
        self.value = value
    }

    public init(parsing value: String) throws(SDPError) {
        let t = ByteText(value)
        try self.init(t, t.all)
    }

    init(_ t: ByteText, _ r: Range<Int>) throws(SDPError) {
        let (type, rest) = t.splitFirst(r, 0x3A)
        guard t.isToken(type), let rest, let number = t.unsigned(rest) else {
            throw .invalidValue(field: "b=", reason: "needs <type>:<decimal>")
        }
        self.init(type: t.string(type), value: number)
    }

    public var lineValue: String { "\(type):\(value)" }
}
