// The trendline filter of GoogCC: accumulates the one-way delay variation of packet groups,
// smooths it, and fits a line over the last `windowSize` points; the slope says whether the
// bottleneck queue grows (> 0) or drains (< 0). It does not judge the slope (that is
// `OveruseDetector`) nor form the groups (that is `InterArrivalGrouping`).
//
// The window lives in two arrays sized at init and used as a ring: no allocation per sample.

public struct TrendlineEstimator: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Points in the regression window.
        public var windowSize = 20
        /// Weight of the previous smoothed delay (exponential smoothing).
        public var smoothing = 0.9
        /// Scales the slope before it meets the detector's threshold.
        public var thresholdGain = 4.0

        public init() {}
    }

    /// One update's result, in the units the detector's threshold is tuned in.
    public struct Sample: Sendable, Equatable {
        /// Slope of the smoothed accumulated delay over arrival time (ms per ms).
        public var trend: Double
        /// trend × min(deltas, 60) × threshold gain: what the detector compares with its threshold.
        public var modifiedTrend: Double
        /// Deltas seen so far (capped at 1000).
        public var deltaCount: Int

        public init(trend: Double, modifiedTrend: Double, deltaCount: Int) {
            self.trend = trend
            self.modifiedTrend = modifiedTrend
            self.deltaCount = deltaCount
        }
    }

    /// The gain ramps with the number of deltas up to here, so a young estimator (few points,
    /// noisy slope) is less eager to signal.
    static let deltaCountForFullGain = 60
    static let maxDeltaCount = 1000

    public let configuration: Configuration
    private var times: [Double]
    private var delays: [Double]
    private var head = 0
    private var filled = 0
    private var deltaCount = 0
    private var firstArrival: Duration?
    private var accumulatedDelay = 0.0
    private var smoothedDelay = 0.0
    private var previousTrend = 0.0

    public init(configuration: Configuration = Configuration()) {
        var configuration = configuration
        configuration.windowSize = Swift.max(2, Swift.min(configuration.windowSize, 1000))
        self.configuration = configuration
        times = [Double](repeating: 0, count: configuration.windowSize)
        delays = [Double](repeating: 0, count: configuration.windowSize)
    }

    /// The last slope computed (0 until the window first fills).
    public var trend: Double { previousTrend }

    /// Adds one group delta: how much later the group arrived than it was sent, relative to the
    /// previous group (`arrivalDelta - sendDelta`), at the group's arrival time.
    public mutating func update(arrivalDelta: Duration, sendDelta: Duration, arrival: Duration) -> Sample {
        let delayMilliseconds = BitrateArithmetic.milliseconds(arrivalDelta - sendDelta)
        deltaCount = Swift.min(deltaCount + 1, Self.maxDeltaCount)
        let origin = firstArrival ?? arrival
        firstArrival = origin

        accumulatedDelay += delayMilliseconds
        smoothedDelay = configuration.smoothing * smoothedDelay + (1 - configuration.smoothing) * accumulatedDelay

        times[head] = BitrateArithmetic.milliseconds(arrival - origin)
        delays[head] = smoothedDelay
        head = (head + 1) % times.count
        filled = Swift.min(filled + 1, times.count)

        var trend = previousTrend
        if filled == times.count, let slope = fittedSlope() {
            trend = slope
        }
        previousTrend = trend
        let gain = Double(Swift.min(deltaCount, Self.deltaCountForFullGain)) * configuration.thresholdGain
        return Sample(trend: trend, modifiedTrend: trend * gain, deltaCount: deltaCount)
    }

    /// Least-squares slope of delay over time; nil when all times coincide (or the sums are not
    /// finite, which hostile timestamps could cause).
    private func fittedSlope() -> Double? {
        let count = Double(filled)
        var sumTime = 0.0
        var sumDelay = 0.0
        for index in 0..<filled {
            sumTime += times[index]
            sumDelay += delays[index]
        }
        let meanTime = sumTime / count
        let meanDelay = sumDelay / count
        var numerator = 0.0
        var denominator = 0.0
        for index in 0..<filled {
            let dt = times[index] - meanTime
            numerator += dt * (delays[index] - meanDelay)
            denominator += dt * dt
        }
        guard denominator != 0, numerator.isFinite, denominator.isFinite else { return nil }
        let slope = numerator / denominator
        return slope.isFinite ? slope : nil
    }

    /// Forgets all history (after a reset of the grouping, e.g. a clock jump).
    public mutating func reset() {
        head = 0
        filled = 0
        deltaCount = 0
        firstArrival = nil
        accumulatedDelay = 0
        smoothedDelay = 0
        previousTrend = 0
    }
}
