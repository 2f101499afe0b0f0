import API
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LoadKit

/// The server's CPU and memory each second, from its `/metrics` (`process_cpu_seconds_total`,
/// `process_resident_memory_bytes`) and, when it runs on this machine, from `/proc/<pid>` (the
/// pid given, or found by the process that listens on the server's HTTP port). CPU is the
/// counter's increase over the second, in percent of one core.
final class ServerSampler {
    let metricsURL: URL?
    let pid: Int?
    private(set) var usage = LoadReport.ServerUsage()
    private var metricsCPU = TimeSeries(name: "cpu seconds (metrics)", unit: "s")
    private var procCPU = TimeSeries(name: "cpu seconds (proc)", unit: "s")
    private var metricsRSS = TimeSeries(name: "rss (metrics)", unit: "MiB")
    private var procRSS = TimeSeries(name: "rss (proc)", unit: "MiB")

    init(metricsURL: URL?, pid: Int?) {
        self.metricsURL = metricsURL
        self.pid = pid
        usage.pid = pid
    }

    func sample(at t: Double) async {
        if let metricsURL {
            var request = URLRequest(url: metricsURL)
            request.timeoutInterval = 2
            if let (data, response) = try? await URLSession.shared.data(for: request),
               (response as? HTTPURLResponse)?.statusCode == 200 {
                let samples = PrometheusText.samples(String(decoding: data, as: UTF8.self))
                if let cpu = samples["process_cpu_seconds_total"] { metricsCPU.append(t: t, cpu) }
                if let rss = samples["process_resident_memory_bytes"] { metricsRSS.append(t: t, rss / 1_048_576) }
            } else {
                usage.scrapeFailures += 1
            }
        }
        if let pid, let process = ProcessMetrics.read(pid: String(pid)) {
            procCPU.append(t: t, process.cpuSeconds)
            procRSS.append(t: t, Double(process.residentBytes) / 1_048_576)
        }
    }

    /// The series for the report: /proc when it was read (finer, and no scrape in the figure),
    /// else /metrics.
    func finish() -> LoadReport.ServerUsage {
        var out = usage
        out.sources = (metricsCPU.isEmpty && metricsRSS.isEmpty ? [] : ["metrics"]) + (procCPU.isEmpty ? [] : ["proc"])
        let cpu = procCPU.isEmpty ? metricsCPU : procCPU
        out.cpuPercent = cpu.ratePerSecond(name: "server CPU", unit: "% of a core", scale: 100)
        out.rssMegabytes = procRSS.isEmpty ? metricsRSS : procRSS
        out.rssMegabytes.name = "server RSS"
        out.metricsCPUPercent = metricsCPU.ratePerSecond(name: "server CPU (/metrics)", unit: "% of a core", scale: 100)
        out.metricsRSSMegabytes = metricsRSS
        return out
    }

    /// The pid of the process listening on TCP `port` on this machine (in this network
    /// namespace), from /proc/net/tcp and every process's fd links; nil when none is visible.
    static func pid(listeningOn port: UInt16) -> Int? {
        var inodes = Set<UInt64>()
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            inodes.formUnion(ListeningSockets.inodes(listeningOn: port, in: text))
        }
        guard !inodes.isEmpty, let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        for entry in entries {
            guard let pid = Int(entry), let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd") else { continue }
            for fd in fds {
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"),
                      let inode = ListeningSockets.socketInode(linkTarget: target) else { continue }
                if inodes.contains(inode) { return pid }
            }
        }
        return nil
    }
}
