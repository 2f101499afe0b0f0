import ArgumentParser
import SyntheticPeers

/// The network every viewer's receive path sees, impaired in user space (no `tc netem` needed):
/// loss, burst loss, jitter, delay and a bandwidth cap, each viewer with its own seeded draws.
struct ImpairmentOptions: ParsableArguments {
    @Option(help: "Viewers' receive path: independent loss, in percent of packets.")
    var loss = 0.0
    @Option(help: ArgumentHelp("Viewers' receive path: burst loss as AVERAGE%:MEAN-BURST-PACKETS, e.g. 5:3 (Gilbert-Elliott).",
                               valueName: "percent:packets"))
    var burstLoss: String?
    @Option(help: "Viewers' receive path: random added delay, uniform in 0...N ms (packets keep their order).")
    var jitterMs = 0.0
    @Option(help: "Viewers' receive path: fixed added delay in ms.")
    var delayMs = 0.0
    @Option(help: "Viewers' receive path: bandwidth cap in kbit/s (token bucket, 1500-byte depth, 100-packet queue; tail drop).")
    var capKbps: Int?
    @Flag(help: "Impair the publishers' send path too, with the same settings (the SFU then NACKs them).")
    var impairHost = false
    @Option(help: "Seed of the impairments' random draws (each peer draws from its own seed derived from it): the same draws every run.")
    var seed: UInt64 = 1

    func check() throws {
        guard (0..<100).contains(loss) else { throw ValidationError("--loss: 0 to under 100 percent") }
        _ = try burst()
        guard jitterMs >= 0, jitterMs <= 10_000, delayMs >= 0, delayMs <= 10_000 else {
            throw ValidationError("--jitter-ms and --delay-ms: 0 to 10000")
        }
        if let capKbps, !(8...10_000_000).contains(capKbps) { throw ValidationError("--cap-kbps: 8 to 10000000") }
    }

    private func burst() throws -> (percent: Double, packets: Double)? {
        guard let burstLoss else { return nil }
        let parts = burstLoss.split(separator: ":")
        guard parts.count == 2, let percent = Double(parts[0]), let packets = Double(parts[1]),
              (0..<100).contains(percent), packets >= 1, packets <= 10_000 else {
            throw ValidationError("--burst-loss: AVERAGE%:MEAN-BURST-PACKETS, e.g. 5:3 (0 <= average < 100, burst >= 1)")
        }
        return (percent, packets)
    }

    /// The impairment every viewer's receive path gets (called after `check`).
    var settings: NetworkImpairment.Settings {
        var settings = NetworkImpairment.Settings()
        settings.lossPercent = loss
        if let burst = try? burst() {
            settings.burstLossPercent = burst.percent
            settings.meanBurstPackets = burst.packets
        }
        settings.jitterMilliseconds = jitterMs
        settings.delayMilliseconds = delayMs
        settings.capBitsPerSecond = capKbps.map { $0 * 1000 }
        return settings
    }
}
