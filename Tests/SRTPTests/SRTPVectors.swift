// Known-answer packets. libsrtp derives session keys from the master key (RFC 3711 §4.3 KDF), so
// byte-exact vectors must start from a master key: these are libsrtp's own reference packets
// (test/srtp_driver.c, srtp_validate and srtp_validate_gcm), which cover the KDF, the cipher and
// the tag together.

enum SRTPVectors {
    static func hex(_ text: String) -> [UInt8] {
        let digits = text.utf8.compactMap { c -> UInt8? in
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        return stride(from: 0, to: digits.count - 1, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
    }

    /// SSRC 0xcafebabe, seq 0x1234, payload 16 x 0xab.
    static let rtpPlaintext = hex("800f1234 decafbad cafebabe abababab abababab abababab abababab")
    /// Sender report from SSRC 0xcafebabe, 16 x 0xab.
    static let rtcpPlaintext = hex("81c8000b cafebabe abababab abababab abababab abababab")

    enum AESCM {
        /// 16-byte master key || 14-byte master salt.
        static let key = hex("e1f97a0d3e018be0d64fa32c06de4139")
        static let salt = hex("0ec675ad498afeebb6960b3aabe6")
        static let srtp = hex("800f1234 decafbad cafebabe 4e55dc4c e79978d8 8ca4d215 949d2402 b78d6acc 99ea179b 8dbb")
        /// Encrypted payload, then E-flag + SRTCP index 1, then the 80-bit tag.
        static let srtcp = hex("81c8000b cafebabe 7128035b e487b9bd bef89041 f977a5a8 80000001 993e08cd 54d6c123 0798")
    }

    enum AEADGCM {
        /// 16-byte master key || 12-byte master salt.
        static let key = hex("000102030405060708090a0b0c0d0e0f")
        static let salt = hex("a0a1a2a3a4a5a6a7a8a9aaab")
        static let srtp = hex("800f1234 decafbad cafebabe c5002ede 04cfdd2e b91159e0 880aa06e d2976826 f796b201 df3131a1 27e8a392")
        /// Encrypted payload, the 16-byte tag, then E-flag + SRTCP index 1 (RFC 7714 §17 layout).
        static let srtcp = hex("81c8000b cafebabe c98b8b5d f0392a55 852b6c21 ac8e7025 c52c6fbe a2b3b446 ea31123b a88ce61e 80000001")
    }
}
