#if canImport(Glibc)
import SyntheticPeers
import Glibc
#endif
import CAllocationCounter
import DTLS
import Logging
import MediaTransport
import RTP
import SFU
import SRTP

/// One VP8 publisher to N subscribers through the real server path on loopback: socket read →
/// demux → SRTP unprotect → room forward → per subscriber rewrite + SRTP protect → batched UDP
/// send, on a `MediaTransportService` with one media loop, so every figure is one core's.
///
/// Clients are `SyntheticPeer`s (our ICE/DTLS/SRTP over plain sockets). Per N:
/// 1. saturation: the publisher keeps a window of packets queued in front of the server (sent
///    minus what the subscribers received, divided by N), so the loop always has work but the
///    kernel never drops ingress. Over a 1.5 s window (4 s at N = 1000) in the middle of the run we read, on the
///    loop's own thread, its CPU time and its allocation counter, and the service's counters.
///    Saturated = the publisher spent most of the window waiting on a full queue (the server set
///    the pace). Rate per core = forwarded / loop CPU seconds (the machine is shared; the loop
///    does not get a whole core), and the wall-clock rate is reported beside it.
/// 2. latency at half the measured wall-clock maximum: the publisher stamps CLOCK_MONOTONIC into
///    the last 8 payload bytes; a reader on up to 8 subscribers spread over the fan-out order
///    decrypts and subtracts. The same reader measures plain loopback UDP one way at the same
///    packet rate as the baseline.
enum ForwardBenchmark {
    static let publisherSSRC: UInt32 = 0x5151_0001
    static let payloadBytes = 1000
    /// Forwards kept queued in front of the server during the saturation run.
    static let windowForwards = Int(getenv("CHOBI_FWD_WINDOW").map { atoi($0) } ?? 2000)
    /// `CHOBI_FWD_FEEDBACK=1`: every peer negotiates transport-cc and abs-send-time, the publisher
    /// stamps transport-wide numbers, so the server builds feedback for it and stamps, translates
    /// and records every forwarded packet for each subscriber's estimator.
    static let feedback = getenv("CHOBI_FWD_FEEDBACK").map { atoi($0) == 1 } ?? false
    /// `CHOBI_FWD_TCP=1`: every peer connects over ICE-TCP (RFC 4571 frames on one connection
    /// each) instead of UDP; the loop reads and writes TCP sockets, not one UDP socket.
    static let overTCP = getenv("CHOBI_FWD_TCP").map { atoi($0) == 1 } ?? false
    static var transport: SyntheticPeer.Transport { overTCP ? .tcp : .udp }
    /// What the result names say the run went over.
    static var label: String { overTCP ? " over TCP" : "" }

    static func run(subscriberCounts: [Int] = [10, 100, 1000]) async throws -> [BenchResult] {
        var results = [srtpAllocations()]
        let counts = getenv("CHOBI_FWD_N").map { [Int(atoi($0))] } ?? subscriberCounts
        for n in counts { results += try await measure(subscribers: n) }
        return results
    }

    // MARK: one N

    private static func measure(subscribers n: Int) async throws -> [BenchResult] {
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let service = MediaTransportService(
            configuration: .init(bindAddress: "127.0.0.1", firstPort: 0, tcp: overTCP, loops: 1, socketBufferBytes: 1 << 20,
                                 connectTimeout: .seconds(120), consentTimeout: .seconds(600)),
            logger: logger)
        try await service.bind()
        defer { Task { try? await service.shutdown() } }
        let certificate = try DTLSCertificate()
        let setupStart = ContinuousClock.now

        let publisher = try SyntheticPeer(certificate: certificate, transport: transport, transportWideCC: feedback)
        try await open(service, publisher, participant: "publisher", role: .host, intent: .publish,
                       offer: publisher.offer(sendingSSRC: publisherSSRC))
        try publisher.connect()
        var subscribers: [SyntheticPeer] = []
        subscribers.reserveCapacity(n)
        for i in 0..<n {
            let peer = try SyntheticPeer(certificate: certificate, receiveBuffer: n >= 1000 ? 256 << 10 : 2 << 20, transport: transport,
                                     transportWideCC: feedback)
            try await open(service, peer, participant: "viewer\(i)", role: .viewer, intent: .watch,
                           offer: peer.offer(sendingSSRC: nil))
            try peer.connect()
            subscribers.append(peer)
        }
        let setup = ContinuousClock.now - setupStart
        progress("1→\(n): \(n) subscribers connected")
        guard let publisherSRTP = publisher.srtp else { throw ForwardBenchFailure.handshake("publisher not keyed") }
        let source = try PacketSource(peer: publisher, session: publisherSRTP)

        // Warm-up: a keyframe (viewers wait for one), then deltas; subscriber 0 and the last must
        // receive and decrypt them.
        let warm = SubscriberReader(peers: subscribers, mode: .count, verifying: [0, n - 1])
        let warmThread = PeerThread { warm.run(maxSeconds: 10) }
        try source.sendPaced(ingressPerSecond: 200, duration: .milliseconds(100), keyframeFirst: true)
        try await drain(service)
        try await Task.sleep(for: .milliseconds(200))
        warm.stop.store(true, ordering: .relaxed)
        warmThread.join()
        guard warm.decrypted.allSatisfy({ $0 > 0 }), warm.undecryptable == 0 else {
            throw ForwardBenchFailure.check("warm-up: first/last subscriber decrypted \(warm.decrypted), \(warm.undecryptable) undecryptable")
        }

        progress("1→\(n): warm-up done, saturation run")
        // 1. Saturation.
        let reader = SubscriberReader(peers: subscribers, mode: .count, verifying: [0, n / 2, n - 1])
        let runStart = try await service.counters()
        let readerThread = PeerThread { reader.run(maxSeconds: 30) }
        let window = max(2, windowForwards / n)
        // A longer window at 1000: each publisher packet is 1000 forwards, so 1.5 s holds too few.
        let measured = n >= 1000 ? Duration.seconds(4) : .milliseconds(1500)
        let runFor = measured + .milliseconds(1100)
        let senderThread = PeerThread {
            try? source.sendWindowed(window: window, fanOut: n, received: { reader.receivedRTP.load(ordering: .relaxed) }, duration: runFor)
        }
        try await Task.sleep(for: .milliseconds(500))
        let sentBefore = source.sent.load(ordering: .relaxed)
        let waitedBefore = source.waitedNanos.load(ordering: .relaxed)
        let before = try await snapshot(service)
        try await Task.sleep(for: measured)
        let after = try await snapshot(service)
        let sentAfter = source.sent.load(ordering: .relaxed)
        let waitedAfter = source.waitedNanos.load(ordering: .relaxed)
        senderThread.join()
        try await drain(service)
        reader.stop.store(true, ordering: .relaxed)
        readerThread.join()

        let forwarded = Double(after.counters.sent - before.counters.sent)
        let ingressRead = after.counters.rtp - before.counters.rtp
        let offered = sentAfter - sentBefore
        let wall = Double(after.wallNanos - before.wallNanos)
        let cpu = Double(after.cpuNanos - before.cpuNanos)
        let allocations = Double(after.allocations - before.allocations)
        guard forwarded > 0, cpu > 0 else { throw ForwardBenchFailure.check("nothing forwarded in the window") }
        let perCore = forwarded / (cpu / 1e9)
        let wallRate = forwarded / (wall / 1e9)
        let busy = cpu / wall
        // Saturated: the publisher spent most of the window waiting on a full queue in front of
        // the server, so the server (not the load generator) set the pace.
        let waiting = Double(waitedAfter - waitedBefore) / wall
        let saturated = waiting > 0.5
        guard reader.undecryptable == 0, reader.decrypted.allSatisfy({ $0 > 0 }) else {
            throw ForwardBenchFailure.check("sampled subscribers: decrypted \(reader.decrypted), undecryptable \(reader.undecryptable)")
        }
        let runEnd = try await service.counters()
        let setupDetail = "setup of \(n) ICE+DTLS peers \(format2(setup.nanoseconds / 1e9)) s"
        var results = [
            BenchResult(name: "forward 1→\(n)\(label): forwarded per core", value: perCore, unit: "fwd pkts/s",
                        detail: "\(format2(cpu / forwarded)) ns/pkt on the loop, \(format2(allocations / forwarded)) allocs/pkt on the loop thread, \(saturated ? "saturated" : "NOT saturated"): publisher waited on a full window \(Int((waiting * 100).rounded()))% of the time, window \(window) pkts; loop thread on CPU \(Int((busy * 100).rounded()))% of the window; publisher sent \(offered) / server read \(ingressRead); \(setupDetail)"),
            BenchResult(name: "forward 1→\(n)\(label): forwarded, wall clock", value: wallRate, unit: "fwd pkts/s",
                        detail: "subscribers counted \(reader.received) datagrams over the whole run (server sent \(runEnd.sent - runStart.sent)); sampled decrypts \(reader.decrypted.reduce(0, +)) ok, 0 failed; egress not ready \(runEnd.egressNotReady), failed \(runEnd.egressFailed), SRTP drops auth \(runEnd.srtpAuthFail) replay \(runEnd.srtpReplay) other \(runEnd.srtpOther)"),
        ]

        progress("1→\(n): latency run; \(results.map(\.line).joined(separator: "\n"))")
        // 2. Latency at half the measured maximum (wall-clock rate: what this loop really did).
        let halfIngress = wallRate / 2 / Double(n)
        let sampled = Array(Set((0..<8).map { $0 * (n - 1) / 7 })).sorted()
        let latencyReader = SubscriberReader(peers: subscribers, mode: .latency, verifying: sampled)
        let latencyThread = PeerThread { latencyReader.run(maxSeconds: 10) }
        let delaysBefore = try await service.forwardDelays()
        try source.sendPaced(ingressPerSecond: halfIngress, duration: .seconds(2), keyframeFirst: true)
        try await Task.sleep(for: .milliseconds(200))
        latencyReader.stop.store(true, ordering: .relaxed)
        latencyThread.join()
        try await drain(service)
        let delays = try await service.forwardDelays() - delaysBefore
        let baseline = try loopbackBaseline(ingressPerSecond: halfIngress, duration: .seconds(1))
        guard let e2e = Percentiles(latencyReader.latencies), let base = Percentiles(baseline) else {
            throw ForwardBenchFailure.check("no latency samples: e2e \(latencyReader.latencies.count) (received \(latencyReader.received), decrypted \(latencyReader.decrypted), undecryptable \(latencyReader.undecryptable)), baseline \(baseline.count); half rate \(halfIngress)/s")
        }
        let at = "at \(Int(halfIngress)) ingress pkts/s = \(Int(halfIngress * Double(n))) fwd/s"
        guard let delayP50 = delays.percentile(0.5), let delayP99 = delays.percentile(0.99) else {
            throw ForwardBenchFailure.check("the server recorded no forwarding delays")
        }
        results += [
            BenchResult(name: "forward 1→\(n)\(label): SFU-added, server-measured p50", value: Double(delayP50) / 1000, unit: "µs",
                        detail: "p99 \(format2(Double(delayP99) / 1000)) µs, p99.9 \(format2(Double(delays.percentile(0.999) ?? 0) / 1000)) µs over \(delays.count) forwarded packets (socket read of the batch → sendmmsg returned; bucket upper bounds), \(at)"),
            BenchResult(name: "forward 1→\(n)\(label): end-to-end one way p50", value: e2e.p50 / 1000, unit: "µs",
                        detail: "p99 \(format2(e2e.p99 / 1000)) µs, \(e2e.count) samples from subscribers \(sampled), \(at)"),
            BenchResult(name: "forward 1→\(n)\(label): plain loopback UDP one way p50", value: base.p50 / 1000, unit: "µs",
                        detail: "p99 \(format2(base.p99 / 1000)) µs, \(base.count) samples, same reader, same rate"),
            BenchResult(name: "forward 1→\(n)\(label): SFU-added (e2e − baseline) p50", value: (e2e.p50 - base.p50) / 1000, unit: "µs",
                        detail: "p99 \(format2((e2e.p99 - base.p99) / 1000)) µs (percentile differences)"),
        ]
        withExtendedLifetime((publisher, subscribers)) {}
        try await service.shutdown()
        return results
    }

    private static func open(_ service: MediaTransportService, _ peer: SyntheticPeer, participant: String, role: RoomRole,
                             intent: PeerIntent, offer: String) async throws {
        let answer = try await service.openSession(PeerSessionRequest(room: "bench", participant: participant, role: role,
                                                                      intent: intent, offer: offer))
        try peer.accept(answer: answer.answer)
    }

    // MARK: server readings

    struct Snapshot {
        var wallNanos: UInt64
        var cpuNanos: UInt64
        var allocations: UInt64
        var counters: DatagramCounters
    }

    /// The loop thread's CPU time and allocation count, read on that thread, then the counters.
    private static func snapshot(_ service: MediaTransportService) async throws -> Snapshot {
        guard let probe = try await service.onEachLoopThread({ (monotonicNanos(), threadCPUNanos(), chobi_thread_allocation_count()) }).first
        else { throw ForwardBenchFailure.service("no media loop") }
        return Snapshot(wallNanos: probe.0, cpuNanos: probe.1, allocations: probe.2, counters: try await service.counters())
    }

    /// Waits (bounded) until the server has worked off what queued in its socket.
    private static func drain(_ service: MediaTransportService) async throws {
        var last = try await service.counters().rtp
        for _ in 0..<300 {
            try await Task.sleep(for: .milliseconds(100))
            let now = try await service.counters().rtp
            if now == last { return }
            last = now
        }
    }

    // MARK: baseline and SRTP's share

    /// One-way time of plain loopback UDP: a stamped datagram from one socket to another, read by
    /// the same reader as the subscribers, at the same packet rate.
    private static func loopbackBaseline(ingressPerSecond: Double, duration: Duration) throws -> [UInt64] {
        let certificate = try DTLSCertificate()
        let sender = try SyntheticPeer(certificate: certificate)
        let receiver = try SyntheticPeer(certificate: certificate)
        sender.aim(at: receiver.port)
        let reader = SubscriberReader(peers: [receiver], mode: .latency, verifying: [0], plain: true)
        let thread = PeerThread { reader.run(maxSeconds: 10) }
        let source = try PacketSource(peer: sender, session: nil)
        try source.sendPaced(ingressPerSecond: ingressPerSecond, duration: duration, keyframeFirst: false)
        usleep(100_000)
        reader.stop.store(true, ordering: .relaxed)
        thread.join()
        return reader.latencies
    }

    /// Allocations libsrtp makes per protect and per unprotect of one 1,000-byte VP8 packet, on
    /// this thread: the part of the loop's allocations per forwarded packet that SRTP accounts for
    /// is protect + unprotect / N.
    private static func srtpAllocations() -> BenchResult {
        let profile = SRTPProfile.aeadAes128Gcm
        let key = [UInt8](repeating: 7, count: profile.keyLength)
        let salt = [UInt8](repeating: 9, count: profile.saltLength)
        guard let a = try? SRTPSession(profile: profile, localKey: key, localSalt: salt, remoteKey: key, remoteSalt: salt),
              let b = try? SRTPSession(profile: profile, localKey: key, localSalt: salt, remoteKey: key, remoteSalt: salt)
        else { return BenchResult(name: "SRTP allocations", value: -1, unit: "", detail: "session failed") }
        let rounds = 2000
        var buffer = [UInt8](repeating: 0, count: 1500 + SRTPSession.requiredRTPCapacity)
        var protectAllocs: UInt64 = 0
        var unprotectAllocs: UInt64 = 0
        buffer.withUnsafeMutableBytes { raw in
            for i in 0..<rounds {
                raw[0] = 0x80; raw[1] = 96; raw[2] = UInt8(i >> 8); raw[3] = UInt8(i & 0xFF)
                let before = chobi_thread_allocation_count()
                guard let protected = try? a.protectRTP(raw, length: 12 + payloadBytes) else { return }
                let middle = chobi_thread_allocation_count()
                _ = try? b.unprotectRTP(raw, length: protected)
                protectAllocs += middle - before
                unprotectAllocs += chobi_thread_allocation_count() - middle
            }
        }
        return BenchResult(name: "SRTP (AES-128-GCM) allocations per protect", value: Double(protectAllocs) / Double(rounds),
                           unit: "allocs", detail: "per unprotect \(format2(Double(unprotectAllocs) / Double(rounds))); libsrtp2 with our OpenSSL crypto types")
    }
}

/// Progress on stderr, so a slow phase shows where it is.
func progress(_ message: String) {
    var line = "[bench] \(message)\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

/// p50/p99 of latency samples in nanoseconds.
struct Percentiles {
    let p50: Double
    let p99: Double
    let count: Int

    init?(_ samples: [UInt64]) {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        p50 = Double(sorted[sorted.count / 2])
        p99 = Double(sorted[min(sorted.count - 1, sorted.count * 99 / 100)])
        count = sorted.count
    }
}
