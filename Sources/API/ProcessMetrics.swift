#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A process's CPU time and memory from Linux's `/proc/<pid>/stat` and `/proc/<pid>/status`:
/// the server's own for `/metrics` (the standard `process_*` series Prometheus clients export),
/// and any process's for `chobi-load`, which samples the server from outside when both run on
/// one machine. Parsing is pure and takes text that may be cut or odd: nil, never a trap.
public struct ProcessMetrics: Sendable, Equatable {
    /// User + system CPU, seconds.
    public var cpuSeconds: Double
    public var residentBytes: Int64
    public var virtualBytes: Int64
    /// Since the boot, seconds (field 22 of stat, in clock ticks); absolute time needs the boot time.
    public var startTicks: UInt64
    public var threads: Int

    public init(cpuSeconds: Double, residentBytes: Int64, virtualBytes: Int64, startTicks: UInt64, threads: Int) {
        self.cpuSeconds = cpuSeconds
        self.residentBytes = residentBytes
        self.virtualBytes = virtualBytes
        self.startTicks = startTicks
        self.threads = threads
    }

    /// From the text of `stat` and `status`. The command name in stat is in parentheses and may
    /// itself hold spaces and parentheses, so fields are counted after the last `)`. RSS comes
    /// from `VmRSS` (kB) in status.
    public static func parse(stat: String, status: String, ticksPerSecond: Double) -> ProcessMetrics? {
        guard ticksPerSecond > 0, let close = stat.lastIndex(of: ")") else { return nil }
        // After ")": state(3) ppid(4) ... utime(14) stime(15) ... num_threads(20) ... starttime(22) vsize(23).
        let fields = stat[stat.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        func field(_ number: Int) -> UInt64? {
            let index = number - 3
            return index < fields.count ? UInt64(fields[index]) : nil
        }
        guard let user = field(14), let system = field(15), let threads = field(20), let start = field(22),
              let virtual = field(23) else { return nil }
        guard let rssKiB = statusValue("VmRSS", in: status) else { return nil }
        return ProcessMetrics(cpuSeconds: Double(user + system) / ticksPerSecond, residentBytes: rssKiB * 1024,
                              virtualBytes: Int64(clamping: virtual), startTicks: start, threads: Int(clamping: threads))
    }

    /// `Name:   1234 kB` → 1234.
    static func statusValue(_ name: String, in status: String) -> Int64? {
        for line in status.split(whereSeparator: \.isNewline) where line.hasPrefix(name + ":") {
            let rest = line.dropFirst(name.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" })
            return rest.first.flatMap { Int64($0) }
        }
        return nil
    }

    /// Reads `/proc/<pid>` (`self` for this process). Nil when it is gone or unreadable.
    public static func read(pid: String = "self") -> ProcessMetrics? {
        guard let stat = readText("/proc/\(pid)/stat"), let status = readText("/proc/\(pid)/status") else { return nil }
        return parse(stat: stat, status: status, ticksPerSecond: Double(sysconf(Int32(_SC_CLK_TCK))))
    }

    static func readText(_ path: String) -> String? {
        // /proc files report size 0: read until the end rather than trusting the size.
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 1 << 20 {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { break }
            bytes += chunk[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Open descriptors of this process (entries of /proc/self/fd), nil if unreadable.
    public static func openDescriptors() -> Int? {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")).map(\.count)
    }

    /// The `process_*` families in Prometheus text, with the names client libraries use, so
    /// stock dashboards and `chobi-load` read them. Empty when /proc cannot be read.
    public static func prometheusText(_ metrics: ProcessMetrics?, openDescriptors: Int?, bootTime: Double?,
                                      ticksPerSecond: Double) -> String {
        guard let metrics else { return "" }
        var out = """
            # HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.
            # TYPE process_cpu_seconds_total counter
            process_cpu_seconds_total \(metrics.cpuSeconds)
            # HELP process_resident_memory_bytes Resident memory size in bytes.
            # TYPE process_resident_memory_bytes gauge
            process_resident_memory_bytes \(metrics.residentBytes)
            # HELP process_virtual_memory_bytes Virtual memory size in bytes.
            # TYPE process_virtual_memory_bytes gauge
            process_virtual_memory_bytes \(metrics.virtualBytes)
            # HELP process_threads Threads of the process.
            # TYPE process_threads gauge
            process_threads \(metrics.threads)

            """
        if let openDescriptors {
            out += "# HELP process_open_fds Number of open file descriptors.\n# TYPE process_open_fds gauge\n"
            out += "process_open_fds \(openDescriptors)\n"
        }
        if let bootTime, ticksPerSecond > 0 {
            out += "# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.\n"
            out += "# TYPE process_start_time_seconds gauge\n"
            out += "process_start_time_seconds \(bootTime + Double(metrics.startTicks) / ticksPerSecond)\n"
        }
        return out
    }

    /// This process's families, read now.
    public static func currentPrometheusText() -> String {
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return prometheusText(read(), openDescriptors: openDescriptors(), bootTime: bootTime(), ticksPerSecond: ticks)
    }

    /// `btime` of /proc/stat: the boot, seconds since 1970.
    static func bootTime() -> Double? {
        guard let text = readText("/proc/stat") else { return nil }
        return bootTime(procStat: text)
    }

    static func bootTime(procStat text: String) -> Double? {
        for line in text.split(whereSeparator: \.isNewline) where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }
}
