import Testing
@testable import API

/// The `process_*` series of `/metrics`: /proc text parsed by field position (a command name
/// with spaces and parentheses does not shift them), odd text read as nothing, and this very
/// process's figures plausible.
struct ProcessMetricsTests {
    static let stat = "4242 (chobi (serve) x) S 1 4242 4242 0 -1 4194560 900 0 0 0 250 130 0 0 20 0 7 0 12345 987654321 5120 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0"
    static let status = "Name:\tchobi-server\nState:\tS (sleeping)\nVmPeak:\t  999999 kB\nVmRSS:\t   20480 kB\nThreads:\t7\n"

    @Test func fieldsAreCountedAfterTheLastParenthesis() throws {
        let m = try #require(ProcessMetrics.parse(stat: Self.stat, status: Self.status, ticksPerSecond: 100))
        #expect(m.cpuSeconds == 3.8)  // (250 + 130) ticks / 100
        #expect(m.residentBytes == 20480 * 1024)
        #expect(m.virtualBytes == 987_654_321)
        #expect(m.startTicks == 12345)
        #expect(m.threads == 7)
    }

    @Test func cutOrOddTextIsNothing() {
        #expect(ProcessMetrics.parse(stat: "4242 (x) S 1 2 3", status: Self.status, ticksPerSecond: 100) == nil)
        #expect(ProcessMetrics.parse(stat: "no parenthesis", status: Self.status, ticksPerSecond: 100) == nil)
        #expect(ProcessMetrics.parse(stat: Self.stat, status: "Name:\tx\n", ticksPerSecond: 100) == nil)
        #expect(ProcessMetrics.parse(stat: Self.stat, status: Self.status, ticksPerSecond: 0) == nil)
        #expect(ProcessMetrics.bootTime(procStat: "cpu 1 2 3\nbtime 1700000000\nprocesses 9\n") == 1_700_000_000)
    }

    @Test func prometheusFamiliesCarryTheFigures() throws {
        let m = try #require(ProcessMetrics.parse(stat: Self.stat, status: Self.status, ticksPerSecond: 100))
        let text = ProcessMetrics.prometheusText(m, openDescriptors: 12, bootTime: 1_700_000_000, ticksPerSecond: 100)
        let lines = Set(text.split(separator: "\n").map(String.init))
        #expect(lines.contains("process_cpu_seconds_total 3.8"))
        #expect(lines.contains("process_resident_memory_bytes 20971520"))
        #expect(lines.contains("process_open_fds 12"))
        #expect(lines.contains("process_start_time_seconds 1700000123.45"))
        #expect(lines.contains("# TYPE process_cpu_seconds_total counter"))
        #expect(ProcessMetrics.prometheusText(nil, openDescriptors: 1, bootTime: nil, ticksPerSecond: 100).isEmpty)
    }

    @Test func thisProcessIsReadFromProc() throws {
        let before = try #require(ProcessMetrics.read())
        var x = 0.0
        for i in 0..<3_000_000 { x += Double(i).squareRoot() }
        #expect(x > 0)
        let after = try #require(ProcessMetrics.read())
        #expect(after.residentBytes > 1 << 20)
        #expect(after.cpuSeconds >= before.cpuSeconds)
        #expect(after.threads >= 1)
        #expect(ProcessMetrics.currentPrometheusText().contains("process_resident_memory_bytes "))
    }
}
