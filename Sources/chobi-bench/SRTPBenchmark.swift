import SRTP

/// SRTP protect + unprotect of one 1,200-byte-payload RTP packet, per profile: the cost every
/// forwarded packet pays twice (unprotect from the publisher, protect per viewer).
enum SRTPBenchmark {
    static func run() throws -> [BenchResult] {
        try SRTPProfile.allCases.map { profile in
            let key = [UInt8](repeating: 0x11, count: profile.keyLength)
            let salt = [UInt8](repeating: 0x22, count: profile.saltLength)
            // Sender and receiver sessions with mirrored keys, as after a DTLS handshake.
            let sender = try SRTPSession(profile: profile, localKey: key, localSalt: salt, remoteKey: key, remoteSalt: salt)
            let receiver = try SRTPSession(profile: profile, localKey: key, localSalt: salt, remoteKey: key, remoteSalt: salt)
            let headerLength = 12
            let plainLength = headerLength + 1200
            var buffer = [UInt8](repeating: 0, count: plainLength + SRTPSession.requiredRTPCapacity)
            let iterations = 200_000
            var seq: UInt16 = 0
            let ns = try buffer.withUnsafeMutableBytes { b -> Double in
                try medianNanosPerIteration(iterations: iterations) { n -> UInt64 in
                    var acc: UInt64 = 0
                    for _ in 0..<n {
                        // A fresh header each time: replay protection rejects a repeated sequence number.
                        b[0] = 0x80; b[1] = 96
                        b[2] = UInt8(seq >> 8); b[3] = UInt8(seq & 0xFF)
                        b[8] = 0xCA; b[9] = 0xFE; b[10] = 0xBA; b[11] = 0xBE
                        seq &+= 1
                        let protected = try sender.protectRTP(b, length: plainLength)
                        let plain = try receiver.unprotectRTP(b, length: protected)
                        acc &+= UInt64(plain)
                    }
                    return acc
                }
            }
            return BenchResult(name: "srtp protect+unprotect \(profile)", value: 1e9 / ns, unit: "packets/s",
                               detail: "1,200-byte payload, \(Int(ns)) ns/pair")
        }
    }
}
