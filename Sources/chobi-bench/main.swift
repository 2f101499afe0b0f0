// chobi-bench [rtp|srtp|dtls|room|recording|events|congestion|forward|chat|api|gifts|videos|all]: prints one line per figure. Run through tools/bench (release).
#if canImport(Glibc)
import Glibc
#endif
import LogHandlers
import Logging

// The handler `serve` installs by default: what a request's logger costs is part of the figures.
LoggingSystem.bootstrap({ label, provider in TextLogHandler.standardError(label: label, metadataProvider: provider) },
                        metadataProvider: nil)

let suites: [(String, () async throws -> [BenchResult])] = [
    ("rtp", RTPBenchmark.run),
    ("srtp", SRTPBenchmark.run),
    ("dtls", DTLSBenchmark.run),
    ("room", { try RoomForwardBenchmark.run() }),
    // What a recording costs per packet on the recorder's thread (depacketize, mux).
    ("recording", RecordingBenchmark.run),
    ("events", RoomEventsBenchmark.run),
    // What congestion control adds per packet (feedback, estimation, extension translation).
    ("congestion", CongestionBenchmark.run),
    // Through the real server on loopback (ICE+DTLS peers, sockets); takes a minute or two.
    ("forward", { try await ForwardBenchmark.run() }),
    // Room chat over data channels through the real server (ICE+DTLS+SCTP peers); under a minute.
    ("chat", { try await ChatBenchmark.run() }),
    // The control API over HTTP on loopback (store, tRPC, 1,000 live sessions); about a minute.
    ("api", { try await APIBenchmark.run() }),
    // sendGift over HTTP with the ledger checked after, and gift_animation fan-out; about a minute.
    ("gifts", { try await GiftBenchmark.run() }),
    // Byte ranges of one 100 MB video file over HTTP, every byte checked; under a minute.
    ("videos", { try await VideoRangeBenchmark.run() }),
]

let wanted = CommandLine.arguments.dropFirst().first ?? "all"
let selected = suites.filter { wanted == "all" || $0.0 == wanted }
if selected.isEmpty {
    print("usage: chobi-bench [\(suites.map(\.0).joined(separator: "|"))|all]")
    exit(2)
}
for (_, run) in selected {
    do {
        for result in try await run() { print(result.line) }
    } catch {
        print("benchmark failed: \(error)")
        exit(1)
    }
}
