import Foundation
import LiveSessions
import Store
import Synchronization
import SyntheticPeers

/// `tools/bench videos`: `GET /videos/{id}/file` with byte ranges against one 100 MB file, over
/// HTTP on loopback through the server's own route (token check, the store's lookup, `stat`, the
/// file streamed by Hummingbird's `FileIO` from NIO's thread pool). Three shapes, each reply
/// checked (206, the length asked for, and its bytes equal to the file's at that offset):
/// - a player's download: one connection reading the file front to back in 1 MiB ranges;
/// - 8 connections reading 1 MiB ranges at random offsets (many viewers of one video);
/// - seeks: 8 connections asking 64 KiB at random offsets (what a jump in the player costs).
enum VideoRangeBenchmark {
    static let fileBytes = 100 << 20
    static let rangeBytes = 1 << 20
    static let seekBytes = 64 << 10

    static func run() async throws -> [BenchResult] {
        let server = try await APIBenchServer.start()
        do {
            let (id, file) = try await publish(server)
            var results: [BenchResult] = []
            let sequential = (0..<(fileBytes / rangeBytes)).map { $0 * rangeBytes }
            results.append(try await load(server, id: id, file: file, name: "video ranges: 1 MiB in order, 1 conn",
                                          plan: [sequential], length: rangeBytes))
            var random = SystemRandomNumberGenerator()
            let scattered = (0..<8).map { _ in (0..<100).map { _ in Int.random(in: 0...(fileBytes - rangeBytes), using: &random) } }
            results.append(try await load(server, id: id, file: file, name: "video ranges: 1 MiB at random, 8 conn",
                                          plan: scattered, length: rangeBytes))
            let seeks = (0..<8).map { _ in (0..<500).map { _ in Int.random(in: 0...(fileBytes - seekBytes), using: &random) } }
            results.append(try await load(server, id: id, file: file, name: "video ranges: 64 KiB seeks, 8 conn",
                                          plan: seeks, length: seekBytes))
            await server.stop()
            return results
        } catch {
            await server.stop()
            throw error
        }
    }

    /// A ready, public video whose file is `fileBytes` of random bytes.
    private static func publish(_ server: APIBenchServer) async throws -> (String, [UInt8]) {
        var random = SystemRandomNumberGenerator()
        var file = [UInt8](repeating: 0, count: fileBytes)
        file.withUnsafeMutableBytes { raw in
            let words = raw.bindMemory(to: UInt64.self)
            for i in words.indices { words[i] = random.next() }
        }
        let path = server.directory + "/bench.webm"
        try Data(file).write(to: URL(fileURLWithPath: path))
        let owner = try await server.store.users.create(username: "vo\(UInt32.random(in: 0...UInt32.max))", passwordHash: "x",
                                                        displayName: "Owner", now: Date())
        let video = try await server.store.videos.create(VideoDraft(ownerId: owner.id, title: "Bench"), now: Date())
        _ = try await server.store.videos.markReady(
            id: video.id, media: VideoMedia(container: "webm", videoCodec: "vp8", audioCodec: nil, durationMs: 600_000,
                                            width: 640, height: 480, bytes: Int64(fileBytes), filePath: path,
                                            thumbnailPath: nil, hlsPath: nil, incomplete: false),
            now: Date())
        return (video.id.uuidString.lowercased(), file)
    }

    /// Connection `c` asks for `length` bytes at each offset of `plan[c]`, in turn.
    private static func load(_ server: APIBenchServer, id: String, file: [UInt8], name: String, plan: [[Int]], length: Int)
        async throws -> BenchResult
    {
        let failures = Mutex<[String]>([])
        let latencies = Mutex<[UInt64]>([])
        let cpuStart = processCPUNanos()
        let started = monotonicNanos()
        try await APIBenchmark.offThreads(plan.count) { c in
            var mine: [UInt64] = []
            do {
                let client = try HTTPLoadClient(port: server.port)
                for offset in plan[c] {
                    let request = Array("GET /videos/\(id)/file HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=\(offset)-\(offset + length - 1)\r\n\r\n".utf8)
                    let sent = monotonicNanos()
                    let reply = try client.exchange(request)
                    mine.append(monotonicNanos() - sent)
                    guard reply.status == 206, reply.body.count == length,
                          reply.body.elementsEqual(file[offset..<(offset + length)]) else {
                        failures.withLock { $0.append("status \(reply.status), \(reply.body.count) bytes at \(offset)") }
                        return
                    }
                }
            } catch {
                failures.withLock { $0.append("connection \(c): \(error)") }
            }
            latencies.withLock { $0 += mine }
        }
        let wall = Double(monotonicNanos() - started) / 1e9
        let cpu = Double(processCPUNanos() - cpuStart) / 1e9
        if let first = failures.withLock({ $0.first }) { throw APIBenchFailure.check("\(name): \(first)") }
        let all = latencies.withLock { $0 }
        guard let percentiles = Percentiles(all) else { throw APIBenchFailure.check("\(name): no requests") }
        let megabytes = Double(all.count * length) / Double(1 << 20)
        let result = BenchResult(
            name: name, value: megabytes / wall, unit: "MiB/s",
            detail: "\(format2(Double(all.count) / wall)) req/s, p50 \(format2(percentiles.p50 / 1e6)) ms, p99 \(format2(percentiles.p99 / 1e6)) ms over \(all.count) ranges, every byte checked; process CPU \(format2(cpu / wall * 100)) % of a core (client included)")
        FileHandle.standardError.write(Data("[videos] \(result.line)\n".utf8))
        return result
    }
}
