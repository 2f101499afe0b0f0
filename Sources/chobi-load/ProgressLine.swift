import Foundation
import LoadKit
import Synchronization

/// Once a second until the run ends: what the viewers received in that second (bitrate, loss,
/// latency p50/p99, frames) appended to the run's time series, the server sampled, and one line
/// printed: peers connected, bitrate, loss, p50 latency, chat and gifts so far.
final class ProgressLine: @unchecked Sendable {
    // @unchecked: `series` is written by `run` only and read after it returned.
    let groups: [LoadViewers]
    let sampler: ServerSampler
    let chat: DeliveryLog
    let gifts: DeliveryLog
    let publishers: LiveCount
    private(set) var series = LoadReport.Series()

    init(groups: [LoadViewers], sampler: ServerSampler, chat: DeliveryLog, gifts: DeliveryLog, publishers: LiveCount) {
        self.groups = groups
        self.sampler = sampler
        self.chat = chat
        self.gifts = gifts
        self.publishers = publishers
    }

    func run(from start: ContinuousClock.Instant, until end: ContinuousClock.Instant) async {
        var last = start
        await sampler.sample(at: 0)
        var second = 1
        while start + .seconds(second) <= end + .milliseconds(100) {
            try? await Task.sleep(until: start + .seconds(second))
            let now = ContinuousClock.now
            let interval = max(0.001, (now - last) / .seconds(1))
            last = now
            var tally = IntervalMeter.Tally()
            for group in groups { tally.merge(group.meter.take()) }
            let viewers = groups.map { $0.watching.load(ordering: .relaxed) }.reduce(0, +)
            let t = Double(second)
            let kbps = Double(tally.bytes) * 8 / 1000 / interval
            let spread = Spread(tally.latencies)
            series.viewersConnected.append(t: t, Double(viewers))
            series.bitrateKbps.append(t: t, kbps)
            series.lossPercent.append(t: t, tally.lossPercent)
            series.framesPerSecond.append(t: t, Double(tally.frames) / interval)
            if let spread {
                series.latencyP50Milliseconds.append(t: t, spread.p50)
                series.latencyP99Milliseconds.append(t: t, spread.p99)
            }
            await sampler.sample(at: t)
            var line = "[\(second)s] \(publishers.value.load(ordering: .relaxed)) publishers, \(viewers) viewers, "
                + String(format: "%.0f kbit/s, loss %.2f %%, ", kbps, tally.lossPercent)
                + (spread.map { String(format: "p50 %.1f ms", $0.p50) } ?? "p50 -")
            let (chatSent, giftsSent) = (chat.sentCount, gifts.sentCount)
            if chatSent > 0 || giftsSent > 0 { line += ", chat \(chatSent) sent, gifts \(giftsSent) sent" }
            say(line)
            second += 1
        }
    }
}

/// A count shared between the thread that changes it and the loop that prints it.
final class LiveCount: Sendable {
    let value = Atomic<Int>(0)
}
