// The certificate fingerprint exchanged in SDP (RFC 8122 §5): "sha-256 AB:CD:...". The peer's
// certificate is self-signed, so this hash is the only thing that authenticates it.

/// A certificate hash as SDP carries it in `a=fingerprint`.
public struct DTLSFingerprint: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Hash functions we can check a peer certificate against (RFC 8122 names).
    public enum Algorithm: String, Sendable, CaseIterable {
        case sha1 = "sha-1"
        case sha256 = "sha-256"
        case sha384 = "sha-384"
        case sha512 = "sha-512"

        public var digestLength: Int {
            switch self {
            case .sha1: 20
            case .sha256: 32
            case .sha384: 48
            case .sha512: 64
            }
        }
    }

    public let algorithm: Algorithm
    public let bytes: [UInt8]

    public init(algorithm: Algorithm, bytes: [UInt8]) throws(DTLSError) {
        guard bytes.count == algorithm.digestLength else {
            throw .malformedFingerprint("\(algorithm.rawValue) needs \(algorithm.digestLength) bytes, got \(bytes.count)")
        }
        self.algorithm = algorithm
        self.bytes = bytes
    }

    /// Parses an `a=fingerprint` value: a hash name, one space, colon-separated hex byte pairs.
    /// Hash names are case-insensitive (RFC 8122), and so is the hex, which browsers send upper-case.
    public init(sdpValue: String) throws(DTLSError) {
        let utf8 = Array(sdpValue.utf8)
        // Longest valid value: "sha-512 " + 64 * 3 - 1 characters; anything longer is not one.
        guard utf8.count <= 8 + 64 * 3 else { throw .malformedFingerprint("too long") }
        guard let space = utf8.firstIndex(of: UInt8(ascii: " ")) else {
            throw .malformedFingerprint("no space between hash function and value")
        }
        let name = String(decoding: utf8[..<space], as: UTF8.self).lowercased()
        guard let algorithm = Algorithm(rawValue: name) else { throw .unsupportedFingerprintAlgorithm(name) }
        let hex = utf8[(space + 1)...]
        let expected = algorithm.digestLength * 3 - 1
        guard hex.count == expected else {
            throw .malformedFingerprint("\(name) value must be \(expected) characters, got \(hex.count)")
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(algorithm.digestLength)
        var i = hex.startIndex
        while i < hex.endIndex {
            guard let high = Self.nibble(hex[i]), let low = Self.nibble(hex[i + 1]) else {
                throw .malformedFingerprint("not a hex byte at offset \(i - hex.startIndex)")
            }
            bytes.append(high << 4 | low)
            let separator = i + 2
            if separator < hex.endIndex {
                guard hex[separator] == UInt8(ascii: ":") else {
                    throw .malformedFingerprint("expected ':' at offset \(separator - hex.startIndex)")
                }
            }
            i += 3
        }
        self.algorithm = algorithm
        self.bytes = bytes
    }

    /// The `a=fingerprint` value, upper-case hex as RFC 8122 writes it.
    public var sdpValue: String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out = [UInt8]()
        out.reserveCapacity(algorithm.rawValue.utf8.count + 1 + bytes.count * 3)
        out.append(contentsOf: algorithm.rawValue.utf8)
        out.append(UInt8(ascii: " "))
        for (index, byte) in bytes.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ":")) }
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public var description: String { sdpValue }

    /// Compares a computed digest with this fingerprint in time independent of where they differ,
    /// so a peer probing certificates learns nothing from response timing.
    func matches(digest: [UInt8]) -> Bool {
        guard digest.count == bytes.count else { return false }
        var difference: UInt8 = 0
        for index in 0..<bytes.count {
            difference |= bytes[index] ^ digest[index]
        }
        return difference == 0
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
