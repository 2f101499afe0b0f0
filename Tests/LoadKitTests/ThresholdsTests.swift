import Testing
@testable import LoadKit

/// `--max-…`/`--min-…`: a missed limit is a failure line; an unmeasured figure fails its limit.
struct ThresholdsTests {
    static func report(latencies: [Double], freezes: [Int], lost: Int, decoded: [Double]) -> LoadReport {
        var report = LoadReport()
        report.viewers = zip(freezes, decoded).map { freezes, decoded in
            var v = LoadReport.Viewer()
            v.freezes = freezes
            v.decodedPercent = decoded
            v.packets = 1000
            v.packetsLost = lost
            return v
        }
        report.summarize(latencies: latencies, joins: [100, 120, 900], churnJoins: [])
        return report
    }

    @Test func heldLimitsGiveNoFailure() {
        let report = Self.report(latencies: [10, 12, 14], freezes: [0, 0], lost: 0, decoded: [100, 99])
        let limits = Thresholds(maxP50LatencyMs: 50, maxP99LatencyMs: 200, maxJoinP99Ms: 1000, maxFreezes: 0,
                                maxLossPercent: 1, minDecodedPercent: 95)
        #expect(limits.failures(of: report).isEmpty)
    }

    @Test func eachMissedLimitIsNamed() {
        let report = Self.report(latencies: [10, 60, 300], freezes: [0, 3], lost: 100, decoded: [100, 90])
        let limits = Thresholds(maxP50LatencyMs: 50, maxP99LatencyMs: 200, maxJoinP99Ms: 500, maxFreezes: 2,
                                maxLossPercent: 5, minDecodedPercent: 95)
        let failures = limits.failures(of: report)
        #expect(failures.count == 6, "\(failures)")
        #expect(failures.contains("latency p50 60 ms > 50 ms"))
        #expect(failures.contains("latency p99 300 ms > 200 ms"))
        #expect(failures.contains("join p99 900 ms > 500 ms"))
        #expect(failures.contains { $0.hasPrefix("freezes of one viewer 3") })
        #expect(failures.contains { $0.hasPrefix("packet loss 9.1 %") })
        #expect(failures.contains("1 viewer(s) decoded less than 95 % (worst 90 %)"))
    }

    @Test func unmeasuredFiguresFailTheirLimits() {
        let report = Self.report(latencies: [], freezes: [], lost: 0, decoded: [])
        let failures = Thresholds(maxP50LatencyMs: 50, maxFreezes: 0, minDecodedPercent: 95).failures(of: report)
        #expect(failures.count == 3, "\(failures)")
        #expect(Thresholds().failures(of: report).isEmpty)
    }
}
