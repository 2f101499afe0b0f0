/// The `--max-…`/`--min-…` limits a run must hold for CI; each missed one is a line in the
/// report's `failures` and makes the tool exit 1. A limit on a figure the run could not measure
/// (no decoded picture, so no latency) fails too: silence is not a pass.
public struct Thresholds: Sendable, Equatable {
    public var maxP50LatencyMs: Double?
    public var maxP99LatencyMs: Double?
    public var maxJoinP99Ms: Double?
    /// The most freezes any one viewer may have.
    public var maxFreezes: Int?
    public var maxLossPercent: Double?
    public var minDecodedPercent: Double?

    public init(maxP50LatencyMs: Double? = nil, maxP99LatencyMs: Double? = nil, maxJoinP99Ms: Double? = nil,
                maxFreezes: Int? = nil, maxLossPercent: Double? = nil, minDecodedPercent: Double? = nil) {
        self.maxP50LatencyMs = maxP50LatencyMs
        self.maxP99LatencyMs = maxP99LatencyMs
        self.maxJoinP99Ms = maxJoinP99Ms
        self.maxFreezes = maxFreezes
        self.maxLossPercent = maxLossPercent
        self.minDecodedPercent = minDecodedPercent
    }

    public func failures(of report: LoadReport) -> [String] {
        var out: [String] = []
        func most(_ name: String, _ value: Double?, _ limit: Double?, _ unit: String) {
            guard let limit else { return }
            guard let value else { return out.append("\(name): not measured (limit \(limit) \(unit))") }
            if value > limit { out.append("\(name) \(Self.format(value)) \(unit) > \(Self.format(limit)) \(unit)") }
        }
        most("latency p50", report.latencyMilliseconds?.p50, maxP50LatencyMs, "ms")
        most("latency p99", report.latencyMilliseconds?.p99, maxP99LatencyMs, "ms")
        most("join p99", report.joinMilliseconds?.p99, maxJoinP99Ms, "ms")
        most("freezes of one viewer", report.viewers.isEmpty ? nil : Double(report.maxFreezesPerViewer),
             maxFreezes.map(Double.init), "")
        most("packet loss", report.viewers.isEmpty ? nil : report.loss.percent, maxLossPercent, "%")
        if let floor = minDecodedPercent {
            let decoding = report.viewers.filter(\.decodes)
            if decoding.isEmpty {
                out.append("decoded share: no decoding viewer (limit \(Self.format(floor)) %)")
            } else if report.minDecodedPercent < floor {
                let worst = decoding.filter { $0.decodedPercent < floor }.count
                out.append("\(worst) viewer(s) decoded less than \(Self.format(floor)) % (worst \(Self.format(report.minDecodedPercent)) %)")
            }
        }
        return out
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e12 ? String(Int(value)) : String((value * 10).rounded() / 10)
    }
}
