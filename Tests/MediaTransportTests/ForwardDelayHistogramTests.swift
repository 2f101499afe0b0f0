import NIOCore
import Testing
@testable import MediaTransport

@Suite struct ForwardDelayHistogramTests {
    @Test("every value lands in the bucket whose bounds enclose it, at most 25 % wide above 1 µs")
    func bucketsEncloseTheirValues() {
        var values: [UInt64] = [0, 1, 1023, 1024, 1025, 1279, 1280, 1535, 1536, 2047, 2048, 999_999, 1_000_000, 1 << 34, (1 << 35) - 1]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<10_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            values.append(state >> UInt64(20 + Int(state % 24)))
        }
        for value in values {
            let index = ForwardDelayHistogram.bucket(of: value)
            #expect(value <= ForwardDelayHistogram.upperBound(of: index), "\(value)")
            if index > 0 {
                let lower = ForwardDelayHistogram.upperBound(of: index - 1)
                #expect(value >= lower, "\(value) below its bucket's start \(lower)")
                if index < ForwardDelayHistogram.bucketCount - 1 {
                    #expect(Double(ForwardDelayHistogram.upperBound(of: index)) <= Double(lower) * 1.25 + 1)
                }
            }
        }
        #expect(ForwardDelayHistogram.bucket(of: .max) == ForwardDelayHistogram.bucketCount - 1)
    }

    @Test("percentiles report the upper bound of the bucket holding the rank")
    func percentiles() {
        var h = ForwardDelayHistogram()
        #expect(h.percentile(0.5) == nil)
        for _ in 0..<98 { h.record(nanoseconds: 100_000) }  // 100 µs
        h.record(nanoseconds: 5_000_000)  // 5 ms
        h.record(nanoseconds: 50_000_000)  // 50 ms
        let p50 = h.percentile(0.5) ?? 0
        #expect(p50 >= 100_000 && p50 <= 125_000)
        let p99 = h.percentile(0.99) ?? 0
        #expect(p99 >= 5_000_000 && p99 <= 6_250_000)
        let max = h.percentile(1) ?? 0
        #expect(max >= 50_000_000 && max <= 62_500_000)
        #expect(h.count == 100)
        #expect(h.sumNanoseconds == 98 * 100_000 + 5_000_000 + 50_000_000)
    }

    @Test("octave series is cumulative, exact at powers of two, and ends with the total")
    func octaveSeries() {
        var h = ForwardDelayHistogram()
        for value: UInt64 in [500, 1500, 3000, 3000, 1 << 20, 1 << 36] { h.record(nanoseconds: value) }
        let series = h.cumulativeByOctave
        #expect(zip(series, series.dropFirst()).allSatisfy { $0.count <= $1.count && $0.upperBoundNanoseconds < $1.upperBoundNanoseconds })
        #expect(series.first?.count == 1)  // 500 ns ≤ 1024
        #expect(series.first { $0.upperBoundNanoseconds == 2048 }?.count == 2)
        #expect(series.first { $0.upperBoundNanoseconds == 4096 }?.count == 4)
        #expect(series.first { $0.upperBoundNanoseconds == 1 << 20 }?.count == 4, "2^20 itself is in the next octave")
        #expect(series.first { $0.upperBoundNanoseconds == 1 << 21 }?.count == 5)
        #expect(series.last?.upperBoundNanoseconds == .max)
        #expect(series.last?.count == 6)
    }

    @Test("sums add loops together and differences isolate a window")
    func arithmetic() {
        var a = ForwardDelayHistogram(), b = ForwardDelayHistogram()
        a.record(nanoseconds: 2_000)
        b.record(nanoseconds: 2_000)
        b.record(nanoseconds: 9_000_000)
        let sum = a + b
        #expect(sum.count == 3)
        #expect((sum - a) == b)
        #expect((sum - a).percentile(1) == b.percentile(1))
    }

    @Test("the egress queue times only forwarded datagrams, from their ingress stamp to the send")
    func queueRecordsStampedDatagrams() throws {
        var queue = EgressQueue(allocator: ByteBufferAllocator(), capacity: 1024)
        let to = try SocketAddress(ipAddress: "127.0.0.1", port: 1000)
        #expect(queue.append(capacity: 10, to: to, ingressNanoseconds: 1_000_000) { _ in 4 })
        #expect(queue.append(capacity: 10, to: to) { _ in 4 })  // a STUN answer: not forwarded
        #expect(queue.append(capacity: 10, to: to, ingressNanoseconds: 1_500_000) { _ in 4 })
        var h = ForwardDelayHistogram()
        queue.recordDelays(sentAt: 1_600_000, into: &h)
        #expect(h.count == 2)
        #expect(h.sumNanoseconds == 600_000 + 100_000)
        queue.recycle()
        #expect(queue.isEmpty)
    }
}
