/// a=fingerprint (RFC 8122): `<hash function> <hex bytes separated by colons>`, the digest of
/// the DTLS certificate the writer will present.
public struct SDPFingerprint: AttributeValue {
    public static let attributeName = "fingerprint"

    /// Lowercased hash function name (`sha-256`); names are case-insensitive (RFC 8122 5).
    public var hashFunction: String
    /// The digest bytes.
    public var bytes: [UInt8]

    public init(hashFunction: String, bytes: [UInt8]) {
        self.hashFunction = hashFunction.lowercased()
        self.bytes = bytes
    }

    public init(parsing value: String) throws(SDPError) {
        let t = ByteText(value)
        try self.init(t, t.all)
    }

    init(_ t: ByteText, _ r: Range<Int>) throws(SDPError) {
        let f = t.fields(r)
        guard f.count == 2, t.isToken(f[0]) else {
            throw .invalidValue(field: "fingerprint", reason: "needs <hash-func> <hex>")
        }
        // Two hex digits per byte, colons between: 3n - 1 characters, at most 64 bytes.
        let hex = f[1]
        let n = ByteText.length(hex)
        guard (n + 1) % 3 == 0, n <= 64 * 3 - 1 else {
            throw .invalidValue(field: "fingerprint", reason: "bytes must be two hex digits separated by ':' (at most 64)")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity((n + 1) / 3)
        let digits = t.bytes
        var i = hex.lowerBound
        // hex.upperBound <= digits.count and i + 1 < hex.upperBound, so every index is in range.
        while i + 1 < hex.upperBound {
            guard let hi = ByteText.hexValue(digits[i]), let lo = ByteText.hexValue(digits[i + 1]),
                  i + 2 == hex.upperBound || digits[i + 2] == 0x3A else {
                throw .invalidValue(field: "fingerprint", reason: "bytes must be two hex digits separated by ':'")
            }
            bytes.append(hi << 4 | lo)
            i += 3
        }
        self.init(hashFunction: t.string(f[0]), bytes: bytes)
    }

    /// Upper-case hex with colons, as browsers write it.
    public var hexValue: String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 3)
        for (i, b) in bytes.enumerated() {
            if i > 0 { out.append(0x3A) }
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public var attributeValue: String { "\(hashFunction) \(hexValue)" }
}
