import Testing
@testable import LoadKit

/// The server's figures read from outside: a Prometheus scrape and the kernel's socket table.
struct ScrapeParsingTests {
    @Test func prometheusSamplesByExactSeries() {
        let text = """
            # HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.
            # TYPE process_cpu_seconds_total counter
            process_cpu_seconds_total 12.5
            process_resident_memory_bytes 4.2e+07
            chobi_room_users{role="host"} 3
            chobi_odd{label="a } b"} 7 1700000000000
            broken_line
            bad_value x
            """
        let samples = PrometheusText.samples(text)
        #expect(samples["process_cpu_seconds_total"] == 12.5)
        #expect(samples["process_resident_memory_bytes"] == 42_000_000)
        #expect(samples[#"chobi_room_users{role="host"}"#] == 3)
        #expect(samples[#"chobi_odd{label="a } b"}"#] == 7)
        #expect(samples["broken_line"] == nil && samples["bad_value"] == nil)
    }

    @Test func listeningSocketsByPort() {
        let table = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 53211 1 0000000000000000 100 0 0 10 0
               1: 0100007F:1F90 0100007F:D0C2 01 00000000:00000000 00:00000000 00000000     0        0 60001 1 0000000000000000 20 4 30 10 -1
               2: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1200 1 0000000000000000 100 0 0 10 0
               3: garbage
            """
        #expect(ListeningSockets.inodes(listeningOn: 8080, in: table) == [53211])
        #expect(ListeningSockets.inodes(listeningOn: 22, in: table) == [1200])
        #expect(ListeningSockets.inodes(listeningOn: 9999, in: table).isEmpty)
        #expect(ListeningSockets.socketInode(linkTarget: "socket:[53211]") == 53211)
        #expect(ListeningSockets.socketInode(linkTarget: "/dev/null") == nil)
        #expect(ListeningSockets.socketInode(linkTarget: "socket:[x]") == nil)
    }
}
