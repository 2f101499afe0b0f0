// The arithmetic `ActiveSpeakerDetector` smooths with: RFC 6464 audio levels (-dBov, 0 loudest,
// 127 silent) as linear amplitudes, and the decay factor e^(-t/τ) of an exponential moving
// average whose samples arrive at irregular times.
//
// What it does not: no state, no clock. The SFU imports no Foundation, so `exp` is computed here
// (range reduction and a short series); precision far beyond what a speaker ranking needs.

enum SpeakerLevel {
    /// The quietest level RFC 6464 can carry (7 bits).
    static let quietest: UInt8 = 127

    /// Linear amplitude of each level, 10^(-level/20): averaging amplitudes rather than dB keeps a
    /// loud syllable loud after smoothing, and makes "twice as loud" a plain ratio.
    static let amplitudes: [Double] = {
        // 10^(-1/20): one dB down in amplitude.
        let stepDown = 0.891_250_938_133_745_5
        var table = [Double](repeating: 1, count: Int(quietest) + 1)
        for level in 1..<table.count { table[level] = table[level - 1] * stepDown }
        return table
    }()

    /// Amplitude of `level`; values over 127 (not representable on the wire) count as silent.
    @inline(__always)
    static func amplitude(_ level: UInt8) -> Double {
        amplitudes[Int(min(level, quietest))]
    }

    /// e^(-elapsed/timeConstant), 1 for no (or negative) time, 0 long after.
    static func decay(elapsed: Duration, timeConstant: Duration) -> Double {
        guard elapsed > .zero else { return 1 }
        guard timeConstant > .zero else { return 0 }
        let x = elapsed / timeConstant
        guard x < 40 else { return 0 }
        return exponentialOfNegative(x)
    }

    /// e^(-x) for 0 ≤ x < 40: e^(-x/256) from five terms of its series, squared eight times.
    static func exponentialOfNegative(_ x: Double) -> Double {
        let y = x / 256
        var result = 1 - y * (1 - y / 2 * (1 - y / 3 * (1 - y / 4 * (1 - y / 5))))
        for _ in 0..<8 { result *= result }
        return result
    }
}
