/// Unguessable identifiers (token ids, participant ids, WHIP/WHEP resource ids). They stand in
/// for capabilities (a resource URL is enough to find a session), so they come from the system's
/// CSPRNG (`SystemRandomNumberGenerator`: getrandom(2) on Linux).
enum RandomIdentifier {
    /// `byteCount` random bytes as lowercase hex.
    static func hex(byteCount: Int = 16) -> String {
        var generator = SystemRandomNumberGenerator()
        return hex(byteCount: byteCount, using: &generator)
    }

    static func hex(byteCount: Int, using generator: inout some RandomNumberGenerator) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(byteCount * 2)
        for _ in 0..<byteCount {
            let byte = UInt8.random(in: .min ... .max, using: &generator)
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
