#if canImport(Glibc)
import SyntheticPeers
import Glibc
#endif
import CAllocationCounter
import DTLS
import Logging
import MediaTransport
import SFU

/// `tools/bench chat`: one room of N members (a host and N − 1 viewers), each a real ICE + DTLS
/// + SCTP peer over loopback with the `chat` data channel open. The host sends numbered lines,
/// one at a time; the next goes when every member (the host too: the relay echoes) has the
/// last. The relay is the transport's (`chatInput` → `sendOnChatChannels`) without the chat
/// service's store write, which `tools/bench gifts` measures. Figures: the media loop's CPU time and heap allocations per delivered line (the relay's
/// cost per member: envelope, DCEP, usrsctp, DTLS, send), and the fan-out time from the host's
/// send to the last member's receipt. The members run on the benchmark's thread, so on this
/// 2-core box they share the second core; their SCTP shares usrsctp's locks with the server.
enum ChatBenchmark {
    static func run(memberCounts: [Int] = [10, 100, 1000]) async throws -> [BenchResult] {
        var results: [BenchResult] = []
        for n in memberCounts { results += try await measure(members: n, lines: n >= 1000 ? 40 : 200) }
        return results
    }

    private static func measure(members n: Int, lines: Int) async throws -> [BenchResult] {
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        // Chat limits out of the way: the benchmark measures the relay, not the rate limiter.
        let service = MediaTransportService(
            configuration: .init(bindAddress: "127.0.0.1", firstPort: 0, loops: 1, socketBufferBytes: 1 << 20,
                                 connectTimeout: .seconds(120), consentTimeout: .seconds(600),
                                 chat: ChatConfiguration(messagesPerSecond: 1_000_000, burst: 1_000_000)),
            logger: logger)
        try await service.bind()
        let certificate = try DTLSCertificate()
        let setupStart = ContinuousClock.now
        var members: [ChatMember] = []
        members.reserveCapacity(n)
        for i in 0..<n {
            let peer = try SyntheticPeer(certificate: certificate, receiveBuffer: 256 << 10)
            let answer = try await service.openSession(PeerSessionRequest(
                room: "chat", participant: "m\(i)", role: i == 0 ? .host : .viewer, intent: .interactive,
                offer: peer.offer(sendingSSRC: nil, dataChannel: true), user: "user\(i)"))
            try peer.accept(answer: answer.answer)
            try peer.connect()
            let member = try ChatMember(peer: peer)
            try member.openChat()
            members.append(member)
        }
        let setup = ContinuousClock.now - setupStart
        progress("chat \(n): \(n) members connected with chat channels in \(format2(setup.nanoseconds / 1e9)) s")

        // Closed loop: line i+1 goes when all N members hold line i.
        var sentAt = [UInt64](repeating: 0, count: lines)
        var lastAt = [UInt64](repeating: 0, count: lines)
        var holders = [Int](repeating: 0, count: lines)
        for member in members {
            member.onLine = { line in
                guard line >= 0, line < lines else { return }
                holders[line] += 1
                if holders[line] == n { lastAt[line] = monotonicNanos() }
            }
        }
        // The server's chat service keeps and checks lines; here only the transport's relay is
        // measured: each line goes straight back to every member's channel.
        let relay = Task {
            for await input in service.chatInput {
                guard case .line(let room, _, _, _, _, let text) = input else { continue }
                _ = await service.sendOnChatChannels(#"{"type":"new_message","text":"\#(text)"}"#, in: room, to: nil)
            }
        }
        defer { relay.cancel() }
        let host = members[0]
        let before = try await snapshot(service)
        let deadline = SyntheticPeer.now + .seconds(120)
        for line in 0..<lines {
            sentAt[line] = monotonicNanos()
            try host.send(String(line))
            while holders[line] < n {
                guard SyntheticPeer.now < deadline else {
                    throw ForwardBenchFailure.check("line \(line): \(holders[line]) of \(n) members have it")
                }
                for member in members { member.pump() }
            }
        }
        let after = try await snapshot(service)
        let counters = try await service.counters()
        let deliveries = Double(lines * n)
        guard counters.chatRelayed == lines, members.allSatisfy({ $0.received == Array(0..<lines) }) else {
            throw ForwardBenchFailure.check("relayed \(counters.chatRelayed) of \(lines); some member missed or reordered lines")
        }
        let fanOut = (0..<lines).map { lastAt[$0] - sentAt[$0] }
        guard let spread = Percentiles(fanOut) else { throw ForwardBenchFailure.check("no fan-out samples") }
        let cpu = Double(after.cpu - before.cpu)
        let allocations = Double(after.allocations - before.allocations)
        withExtendedLifetime(members) {}
        try await service.shutdown()
        return [
            BenchResult(name: "chat \(n) members: loop CPU per delivered line", value: cpu / deliveries, unit: "ns",
                        detail: "\(format2(allocations / deliveries)) allocs per delivery on the loop thread; \(lines) lines × \(n) members, every member got every line in order; setup \(format2(setup.nanoseconds / 1e9)) s"),
            BenchResult(name: "chat \(n) members: fan-out p50", value: spread.p50 / 1000, unit: "µs",
                        detail: "p99 \(format2(spread.p99 / 1000)) µs from the host's send to the last member's receipt (members decrypt and parse on one thread)"),
        ]
    }

    private static func snapshot(_ service: MediaTransportService) async throws -> (cpu: UInt64, allocations: UInt64) {
        guard let probe = try await service.onEachLoopThread({ (threadCPUNanos(), chobi_thread_allocation_count()) }).first
        else { throw ForwardBenchFailure.service("no media loop") }
        return probe
    }
}
