import Testing
@testable import LoadKit

/// Percentiles, per-second series and loss counting: the figures every report line rests on.
struct SpreadTests {
    @Test func nearestRankPercentiles() throws {
        let spread = try #require(Spread((1...100).map(Double.init).shuffled()))
        #expect(spread.p50 == 50)
        #expect(spread.p95 == 95)
        #expect(spread.p99 == 99)
        #expect(spread.min == 1 && spread.max == 100 && spread.count == 100)
        #expect(spread.mean == 50.5)
        let one = try #require(Spread([7]))
        #expect(one.p50 == 7 && one.p99 == 7)
        let small = try #require(Spread([10, 20, 30, 40]))
        #expect(small.p50 == 20 && small.p95 == 40)
    }

    @Test func nothingMeasuredIsNoSpread() {
        #expect(Spread([]) == nil)
        #expect(Spread([.nan, .infinity]) == nil)
        #expect(Spread([.nan, 3])?.count == 1)
    }

    @Test func seriesDropNonFinitePointsAndDeriveRates() {
        var counter = TimeSeries(name: "cpu", unit: "s")
        counter.append(t: 0, 10)
        counter.append(t: 1, .nan)
        counter.append(t: 1, 10.5)
        counter.append(t: 3, 11.5)
        counter.append(t: 4, 2)  // a restart: no rate point
        #expect(counter.points.count == 4)
        let rate = counter.ratePerSecond(name: "cpu %", unit: "%", scale: 100)
        #expect(rate.points == [.init(t: 1, value: 50), .init(t: 3, value: 50)])
        #expect(counter.maxValue == 11.5)
    }

    @Test func lossIsCountedAcrossTheWrap() {
        var loss = SequenceLossCounter()
        #expect(loss.record(65_533).isEmpty)
        #expect(loss.record(65_534).isEmpty)
        // 65535 and 0 are skipped: reported for a NACK, in order.
        #expect(loss.record(1) == [65_535, 0])
        #expect(loss.record(2).isEmpty)
        #expect(loss.expected == 6 && loss.received == 4 && loss.lost == 2)
        // The retransmission of 0 arrives late: not skipped again, and the loss shrinks.
        #expect(loss.record(0).isEmpty)
        #expect(loss.lost == 1)
        // A huge jump is loss too, but too many to NACK.
        #expect(loss.record(502).isEmpty)
        #expect(loss.lost == 500)
    }

    @Test func intervalMeterStartsAfreshOnEachLook() {
        let meter = IntervalMeter()
        meter.packet(bytes: 1000, gaps: 0)
        meter.packet(bytes: 500, gaps: 2)
        meter.frame(latencyMilliseconds: 12)
        meter.frame(latencyMilliseconds: nil)
        let first = meter.take()
        #expect(first.bytes == 1500 && first.packets == 2 && first.gaps == 2 && first.frames == 2)
        #expect(first.latencies == [12])
        #expect(first.lossPercent == 50)
        #expect(meter.take() == IntervalMeter.Tally())
    }
}
