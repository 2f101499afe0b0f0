/// The report's headline figures as label/value rows: the table printed at the end of a run and
/// the summary table of the HTML page are the same rows.
public enum ReportSummary {
    public static func rows(_ r: LoadReport) -> [(label: String, value: String)] {
        func ms(_ spread: Spread?) -> String {
            spread.map { "\(f($0.p50)) / \(f($0.p95)) / \(f($0.p99)) ms (n=\($0.count))" } ?? "none"
        }
        func delivery(_ s: DeliveryLog.Summary?) -> String {
            guard let s else { return "off" }
            return "\(s.sent) sent, \(s.accepted) accepted, \(s.delivered) heard, \(s.failed) failed, \(s.retries) retried; "
                + "latency \(ms(s.latencyMilliseconds))"
        }
        let s = r.scenario
        var rows: [(String, String)] = [
            ("scenario", "\(s.mode)\(s.transport == "udp" ? "" : " over \(s.transport)"): \(s.rooms) room(s) × (\(s.hosts ? "1 host + " : "")\(s.guests) guest(s) + \(s.viewersPerRoom) viewers), \(f(s.seconds)) s, \(s.width)×\(s.height) at \(s.fps) fps, \(s.bitrate / 1000) kbit/s"),
            ("peers", "\(r.peers.publishers) publishers, \(r.peers.viewers) viewers (\(r.viewers.filter(\.decodes).count) decoding), \(r.peers.joinFailures) failed joins; churn \(r.peers.churnLeaves) left, \(r.peers.churnJoins) joined"),
            ("publishers", "\(r.publishers.map(\.framesSent).reduce(0, +)) frames sent, \(r.publishers.map(\.keyframesSent).reduce(0, +)) keyframes"),
            ("join (p50/p95/p99)", ms(r.joinMilliseconds)),
            ("churn join", ms(r.churnJoinMilliseconds)),
            ("latency (p50/p95/p99)", ms(r.latencyMilliseconds) + ", glass to glass"),
            ("decoded", "\(f(r.minDecodedPercent)) % of frames at the worst viewer"),
            ("fps", "\(f(r.meanFPS)) per viewer on average"),
            ("freezes (> 200 ms)", "\(r.freezes) in all, at most \(r.maxFreezesPerViewer) for one viewer"),
            ("loss", "\(r.loss.packetsLost) of \(r.loss.packetsExpected) packets (\(f(r.loss.percent, digits: 2)) %)"),
            ("jitter", "\(f(r.meanJitterMilliseconds)) ms per viewer on average, \(f(r.maxJitterMilliseconds)) ms at the worst (RFC 3550, video)"),
            ("NACK / PLI", "viewers sent \(r.nacks.sentByViewers) NACKs and \(r.plis.sentByViewers) PLIs; publishers resent \(r.nacks.receivedByPublishers) packets and got \(r.plis.receivedByPublishers) keyframe requests"),
            ("bitrate", "\(f(r.meanBitrateKbps)) kbit/s per viewer"),
            ("chat", delivery(r.chat)),
            ("gifts", delivery(r.gifts)),
            ("server", r.server.sources.isEmpty ? "not sampled"
                : "CPU mean \(r.server.meanCPUPercent.map { f($0) } ?? "?") % of a core, RSS peak \(r.server.peakRSSMegabytes.map { f($0) } ?? "?") MiB (\(r.server.sources.joined(separator: " + ")))"),
        ]
        rows.append(("thresholds", r.failures.isEmpty ? "all held" : "MISSED: " + r.failures.joined(separator: "; ")))
        return rows
    }

    public static func table(_ report: LoadReport) -> String {
        let rows = rows(report)
        let width = rows.map(\.label.count).max() ?? 0
        return rows.map { $0.label + String(repeating: " ", count: width + 2 - $0.label.count) + $0.value }
            .joined(separator: "\n")
    }

    static func f(_ value: Double, digits: Int = 1) -> String {
        guard value.isFinite else { return "?" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        var text = String(rounded)
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }
}
