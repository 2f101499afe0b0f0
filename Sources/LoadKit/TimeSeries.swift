/// One measured quantity over the run, a point per second (seconds since the run started): what
/// the HTML report draws and the JSON keeps.
public struct TimeSeries: Codable, Sendable, Equatable {
    public struct Point: Codable, Sendable, Equatable {
        public var t: Double
        public var value: Double

        public init(t: Double, value: Double) {
            self.t = t
            self.value = value
        }
    }

    public var name: String
    public var unit: String
    public var points: [Point]

    public init(name: String, unit: String, points: [Point] = []) {
        self.name = name
        self.unit = unit
        self.points = points
    }

    /// Adds a point; a non-finite value (a rate over no time, a percentile of nothing) is dropped
    /// rather than written as NaN, which JSON cannot carry.
    public mutating func append(t: Double, _ value: Double) {
        guard t.isFinite, value.isFinite else { return }
        points.append(Point(t: t, value: value))
    }

    public var maxValue: Double? { points.map(\.value).max() }
    public var isEmpty: Bool { points.isEmpty }

    /// The per-second increase of a counter sampled at `points` (counter resets give no point).
    public func ratePerSecond(name: String, unit: String, scale: Double = 1) -> TimeSeries {
        var out = TimeSeries(name: name, unit: unit)
        for (previous, next) in zip(points, points.dropFirst()) where next.t > previous.t && next.value >= previous.value {
            out.append(t: next.t, (next.value - previous.value) / (next.t - previous.t) * scale)
        }
        return out
    }
}
