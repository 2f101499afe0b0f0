import RTP

/// RTP header parse cost: a 1,200-byte video packet with a one-byte extension block (mid, TWCC
/// sequence, abs-send-time), parsed in place as the SFU does for every packet it receives.
enum RTPBenchmark {
    static func run() throws -> [BenchResult] {
        let builder = RTPPacketBuilder(
            payloadType: 96, sequenceNumber: 4242, timestamp: 90_000, ssrc: 0x1234_5678, marker: true,
            extensions: [
                RTPHeaderExtension(id: 1, value: Array("0".utf8)),
                RTPHeaderExtension(id: 3, value: [0x12, 0x34]),
                RTPHeaderExtension(id: 2, value: [0x01, 0x02, 0x03]),
            ])
        let payload = [UInt8](repeating: 0xAB, count: 1200)
        var packet = [UInt8](repeating: 0, count: builder.packetLength(payloadLength: payload.count))
        _ = try payload.withUnsafeBytes { p in
            try packet.withUnsafeMutableBytes { b in try builder.write(payload: p, into: b) }
        }
        let iterations = 5_000_000
        let ns = try packet.withUnsafeBytes { buffer in
            try medianNanosPerIteration(iterations: iterations) { n in
                var acc: UInt64 = 0
                for _ in 0..<n {
                    let header = try RTPHeader(parsing: buffer)
                    acc &+= UInt64(header.sequenceNumber) &+ UInt64(header.payloadRange.lowerBound)
                }
                return acc
            }
        }
        let nsExt = try packet.withUnsafeBytes { buffer in
            try medianNanosPerIteration(iterations: iterations) { n in
                var acc: UInt64 = 0
                for _ in 0..<n {
                    let header = try RTPHeader(parsing: buffer)
                    if let r = header.extensionValueRange(id: 3, in: buffer) { acc &+= UInt64(r.lowerBound) }
                }
                return acc
            }
        }
        return [
            BenchResult(name: "rtp header parse", value: ns, unit: "ns/packet",
                        detail: "1,200-byte payload, 3 one-byte extensions"),
            BenchResult(name: "rtp header parse + find extension", value: nsExt, unit: "ns/packet",
                        detail: "TWCC id lookup"),
        ]
    }
}
