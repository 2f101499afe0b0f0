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
        let f = SDPSyntax.fields(value)
        guard f.count == 2, SDPSyntax.isToken(f[0]) else {
            throw .invalidValue(field: "fingerprint", reason: "needs <hash-func> <hex>")
        }
        let parts = f[1].split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 64 else { throw .invalidValue(field: "fingerprint", reason: "longer than 64 bytes") }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(parts.count)
        for part in parts {
            guard part.utf8.count == 2, let b = UInt8(part, radix: 16) else {
                throw .invalidValue(field: "fingerprint", reason: "bytes must be two hex digits separated by ':'")
            }
            bytes.append(b)
        }
        self.init(hashFunction: String(f[0]), bytes: bytes)
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
