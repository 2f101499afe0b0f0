import ArgumentParser
import DTLS
import Foundation
import SFU
import Signaling
import SyntheticMedia
import SyntheticPeers

/// `chobi-load`: synthetic peers against a running server, with real codecs. A host publishes a
/// VP8 picture that carries its frame number and capture time; viewers watch over WHEP, decode it
/// with libvpx and read the stamp back, so latency is measured glass to glass on one clock. It
/// mints room tokens from the server's key (`--data-dir`, or `CHOBI_JWT_SECRET`), stops by itself
/// after `--duration`, and talks only to a server on loopback.
@main
struct ChobiLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chobi-load", abstract: "Load-test a Chobi Live server with synthetic peers that encode and decode real VP8.")

    @Option(help: "The server's base URL (loopback only).")
    var server = "http://127.0.0.1:8080"
    @Option(help: "Data directory holding the server's jwt.key (or set CHOBI_JWT_SECRET).")
    var dataDir = "./data"
    @Option(help: "Room name.")
    var room = "load"
    @Option(help: "Viewers watching the host.")
    var viewers = 20
    @Option(help: "Viewers that decode (the rest count frames); default: all.")
    var decode: Int?
    @Option(help: "Seconds of publishing (viewers join during the first second).")
    var duration = 15.0
    @Option var width = 640
    @Option var height = 480
    @Option var fps = 30
    @Option(help: "Target VP8 bitrate, bits per second.")
    var bitrate = 1_000_000
    @Option(help: "Write the report as JSON here.")
    var json: String?
    @Option(help: "Exit non-zero when the latency p50 is above this (ms).")
    var maxP50LatencyMs: Double?
    @Option(help: "Exit non-zero when a decoding viewer decoded less than this percent of the frames.")
    var minDecodedPercent: Double?

    func validate() throws {
        // IPv4 loopback: the peers' media goes to the server's 127.0.0.1 candidate and nowhere else.
        guard let url = URL(string: server), let host = url.host, host == "localhost" || host.hasPrefix("127.") else {
            throw ValidationError("--server must be on IPv4 loopback (127.0.0.0/8 or localhost): a load test sends to nothing else")
        }
        guard (1...1000).contains(viewers) else { throw ValidationError("--viewers: 1 to 1000") }
        guard duration > 1, duration <= 3600 else { throw ValidationError("--duration: more than 1 and at most 3600 seconds") }
        guard FrameStamp.fits(width: width, height: height) else { throw ValidationError("--width/--height: too small for the frame stamp") }
    }

    func run() async throws {
        guard let base = URL(string: server) else { throw ValidationError("--server") }
        let key = try JWTKeyStore(dataDirectory: dataDir).loadKey(environmentSecret: JWTKeyStore.secretFromEnvironment())
        let signer = await RoomTokenSigner(key: key)
        let signaling = WISHClient(base: base)
        let certificate = try DTLSCertificate()
        let lifetime = Duration.seconds(Int(duration) + 120)

        // The host first: viewers join a room that has media.
        var settings = VideoPublisherTrack.Settings(ssrc: UInt32.random(in: 1...UInt32.max))
        (settings.width, settings.height, settings.fps, settings.bitrate) = (width, height, fps, bitrate)
        let hostPeer = try SyntheticPeer(certificate: certificate)
        let hostToken = try await signer.sign(user: "load-host", room: room, role: .host, lifetime: lifetime, now: Date(), name: "Load host")
        try hostPeer.accept(answer: try await signaling.exchange(offer: hostPeer.offer(sendingSSRC: settings.ssrc), room: room,
                                                                 token: hostToken, publish: true))
        try hostPeer.connect()
        let publisher = LoadPublisher(peer: hostPeer, track: try VideoPublisherTrack(settings), fps: fps)
        let publisherThread = PeerThread { publisher.run(seconds: duration) }

        let decoding = min(viewers, decode ?? viewers)
        var members: [LoadViewers.Member] = []
        for index in 0..<viewers {
            let peer = try SyntheticPeer(certificate: certificate, receiveBuffer: 1 << 20)
            let token = try await signer.sign(user: "load-viewer-\(index)", room: room, role: .viewer, lifetime: lifetime,
                                              now: Date(), name: nil)
            let requestedAt = LoadClock.milliseconds()
            try peer.accept(answer: try await signaling.exchange(offer: peer.offer(sendingSSRC: nil), room: room, token: token,
                                                                 publish: false))
            try peer.connect()
            members.append(.init(peer: peer, track: try VideoViewerTrack(decodes: index < decoding), requestedAt: requestedAt))
        }
        let watching = LoadViewers(members: members)
        let watchStart = monotonicNanos()
        let readerThread = PeerThread { watching.run(seconds: duration + 1) }

        // A progress line a second, until the host has sent its last frame.
        var last = 0
        for second in 1...max(1, Int(duration.rounded(.up))) {
            try await Task.sleep(for: .seconds(1))
            let frames = watching.framesSoFar.load(ordering: .relaxed)
            print("[\(second)s] \(viewers) viewers, \(frames - last) frames/s received in all")
            last = frames
        }
        publisherThread.join()
        try await Task.sleep(for: .milliseconds(500))
        watching.stop.store(true, ordering: .relaxed)
        readerThread.join()
        let watched = Double(monotonicNanos() - watchStart) / 1e9

        let report = LoadReport(
            scenario: .init(server: server, room: room, viewers: viewers, decoding: decoding, seconds: duration,
                            width: width, height: height, fps: fps, bitrate: bitrate),
            publisher: publisher, viewers: watching, watchedSeconds: watched)
        print(report.table)
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: URL(fileURLWithPath: json))
            print("report written to \(json)")
        }
        var failures: [String] = []
        if let limit = maxP50LatencyMs, (report.latencyMilliseconds?.p50 ?? .infinity) > limit {
            failures.append("latency p50 \(report.latencyMilliseconds?.p50 ?? -1) ms > \(limit) ms")
        }
        if let floor = minDecodedPercent, report.minDecodedPercent < floor {
            failures.append("a viewer decoded \(report.minDecodedPercent) % < \(floor) %")
        }
        withExtendedLifetime((hostPeer, members)) {}
        if !failures.isEmpty {
            print("FAILED: " + failures.joined(separator: "; "))
            throw ExitCode(1)
        }
    }
}
