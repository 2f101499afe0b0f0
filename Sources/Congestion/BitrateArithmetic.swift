// Arithmetic the estimators share: durations as seconds and back, compound growth, floor and
// square root without Foundation or libm (the module needs nothing beyond the standard library,
// like the rest of the media path), and saturating conversions from `Double` to a bitrate so
// hostile inputs can never trap a conversion.

enum BitrateArithmetic {
    /// The duration in seconds.
    @inline(__always)
    static func seconds(_ duration: Duration) -> Double {
        let (whole, attoseconds) = duration.components
        return Double(whole) + Double(attoseconds) * 1e-18
    }

    /// The duration in milliseconds (the unit the trendline and detector constants are tuned in).
    @inline(__always)
    static func milliseconds(_ duration: Duration) -> Double {
        seconds(duration) * 1000
    }

    /// A duration of `seconds`, clamped to ±10^6 s (NaN gives zero).
    static func duration(seconds: Double) -> Duration {
        guard !seconds.isNaN else { return .zero }
        let clamped = Swift.min(Swift.max(seconds, -1e6), 1e6)
        return .nanoseconds(Int64(clamped * 1e9))
    }

    /// A duration of `microseconds`, built from its components: the generic `.microseconds(_:)`
    /// is not specialized in debug builds and allocates there, and this runs per feedback entry.
    @inline(__always)
    static func duration(microseconds: Int64) -> Duration {
        let seconds = microseconds / 1_000_000
        let remainder = microseconds % 1_000_000  // same sign as `microseconds`
        return Duration(secondsComponent: seconds, attosecondsComponent: remainder * 1_000_000_000_000)
    }

    /// The value as a bitrate: negative and NaN give 0, huge values saturate.
    @inline(__always)
    static func bitrate(_ value: Double) -> UInt64 {
        guard value > 0 else { return 0 }  // also false for NaN
        guard value < 1.8e19 else { return .max }
        return UInt64(value)
    }

    /// Bits per second for `bytes` spread over `interval`; nil for an empty or negative interval.
    static func bitsPerSecond(bytes: Int, over interval: Duration) -> Double? {
        let span = seconds(interval)
        guard span > 0 else { return nil }
        return Double(bytes) * 8 / span
    }

    /// `value` clamped to `range`.
    @inline(__always)
    static func clamp(_ value: UInt64, _ range: ClosedRange<UInt64>) -> UInt64 {
        Swift.min(Swift.max(value, range.lowerBound), range.upperBound)
    }

    /// ⌊x⌋, with x clamped to ±1e15 (NaN gives 0). Integer conversion instead of libm's floor:
    /// the module links nothing but the standard library.
    static func floor(_ x: Double) -> Double {
        guard !x.isNaN else { return 0 }
        let clamped = Swift.min(Swift.max(x, -1e15), 1e15)
        let truncated = Double(Int64(clamped))
        return truncated > clamped ? truncated - 1 : truncated
    }

    /// ⌈x⌉, with x clamped to ±1e15 (NaN gives 0).
    static func ceiling(_ x: Double) -> Double {
        -floor(-x)
    }

    /// √x for x ≥ 0 (0 otherwise) by Newton's method from a power-of-two guess; exact to a few
    /// ulps after the fixed iterations, for any finite input.
    static func squareRoot(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return 0 }
        // Start at 2^(exponent / 2): within a factor √2 of the root, so few steps are needed.
        var guess = Double(sign: .plus, exponent: x.exponent / 2, significand: 1)
        for _ in 0..<8 { guess = 0.5 * (guess + x / guess) }
        return guess
    }

    /// `(1 + rate)^seconds`: growth at `rate` per second compounded over `seconds` (≥ 0).
    /// ln by its atanh series and exp by halving to a small argument then squaring back: a few
    /// dozen flops, exact to ~1e-12 for the rates (a few % per second) used here.
    static func compoundGrowth(rate: Double, seconds: Double) -> Double {
        guard rate > -1, seconds > 0, rate.isFinite, seconds.isFinite else { return 1 }
        return exponential(seconds * naturalLog(1 + rate))
    }

    static func naturalLog(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return 0 }
        // ln x = 2 atanh((x-1)/(x+1)); fine for x near 1, where the growth factors live.
        let z = (x - 1) / (x + 1)
        let z2 = z * z
        var term = z
        var sum = 0.0
        var k = 1.0
        while k < 60 {
            sum += term / k
            term *= z2
            k += 2
            if abs(term) < 1e-17 { break }
        }
        return 2 * sum
    }

    static func exponential(_ y: Double) -> Double {
        guard y.isFinite else { return y > 0 ? .infinity : 0 }
        let clamped = Swift.min(Swift.max(y, -700), 700)
        var reduced = clamped
        var squarings = 0
        while abs(reduced) > 1e-3, squarings < 40 {
            reduced /= 2
            squarings += 1
        }
        // Taylor series to the 4th power: the error at |y| ≤ 1e-3 is below 1e-17.
        var result = 1 + reduced * (1 + reduced / 2 * (1 + reduced / 3 * (1 + reduced / 4)))
        for _ in 0..<squarings { result *= result }
        return result
    }
}
