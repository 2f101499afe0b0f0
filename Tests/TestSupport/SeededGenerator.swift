// Deterministic randomness for tests: the same seed gives the same run, so a failure found by
// a hostile-input test can be replayed from the seed printed with it.

/// SplitMix64: tiny, fast, and good enough to drive fuzz cases and simulated loss.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func bytes(count: Int) -> [UInt8] {
        // Whole words copied at once (low byte first): debug builds make a per-byte loop slow, and
        // hostile-input suites draw megabytes from here.
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBytes { raw in
            var i = 0
            while i < count {
                var word = next().littleEndian
                let n = Swift.min(8, count - i)
                withUnsafeBytes(of: &word) { w in
                    UnsafeMutableRawBufferPointer(rebasing: raw[i..<(i + n)]).copyMemory(from: UnsafeRawBufferPointer(rebasing: w[0..<n]))
                }
                i += n
            }
        }
        return out
    }
}
