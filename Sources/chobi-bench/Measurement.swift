// chobi-bench: the figures in docs/benchmarks.md come from here. Each benchmark runs a bounded
// number of iterations (or a bounded wall time), several rounds, and reports the median round so
// one noisy round on a shared 2-core machine does not decide the figure.

/// One benchmark's result line.
struct BenchResult {
    let name: String
    let value: Double
    let unit: String
    let detail: String

    var line: String {
        let formatted = value >= 100 ? String(Int(value.rounded())) : format2(value)
        return "\(name.rightPadded(52)) \(formatted.leftPadded(12)) \(unit)\(detail.isEmpty ? "" : "  (\(detail))")"
    }
}

func format2(_ v: Double) -> String {
    let scaled = (v * 100).rounded() / 100
    return "\(scaled)"
}

extension String {
    func rightPadded(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}

/// Times `rounds` rounds of `body` (each doing `iterations` units of work) and returns the median
/// nanoseconds per unit. `body` returns a value folded into a sink so the optimizer keeps the work.
func medianNanosPerIteration(rounds: Int = 5, iterations: Int, _ body: (Int) throws -> UInt64) rethrows -> Double {
    var perIteration: [Double] = []
    var sink: UInt64 = 0
    let clock = ContinuousClock()
    for _ in 0..<rounds {
        let start = clock.now
        sink &+= try body(iterations)
        let elapsed = clock.now - start
        perIteration.append(elapsed.nanoseconds / Double(iterations))
    }
    blackHole(sink)
    perIteration.sort()
    return perIteration[perIteration.count / 2]
}

extension Duration {
    var nanoseconds: Double {
        let (s, atto) = components
        return Double(s) * 1e9 + Double(atto) / 1e9
    }
}

@inline(never)
func blackHole(_ value: UInt64) {
    if value == 0x5EED_5EED_5EED_5EED { print("") }
}
