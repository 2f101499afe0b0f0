/// Small conveniences on plain strings for accessors and builders (not on the parse path).
enum SDPText {
    static func trimmed(_ s: String) -> String {
        let t = ByteText(s)
        return t.string(t.trimmed(t.all))
    }

    static func isToken(_ s: String) -> Bool {
        let t = ByteText(s)
        return t.isToken(t.all)
    }

    static func fields(_ s: String) -> [String] {
        let t = ByteText(s)
        return t.fields(t.all).map(t.string)
    }

    static func unsigned(_ s: String, max: UInt64 = .max) -> UInt64? {
        let t = ByteText(s)
        return t.unsigned(t.trimmed(t.all), max: max)
    }

    static func payloadType(_ s: String) -> UInt8? { unsigned(s, max: 127).map { UInt8($0) } }
}
