#if canImport(Glibc)
import SyntheticPeers
import Glibc
#endif
import Foundation
import API
import Hummingbird
import LiveSessions
import Logging
import MediaTransport
import NIOCore
import Signaling
import Store
import Synchronization

/// The control API over real HTTP on loopback: requests/s and latency of
/// `streaming.getActiveSessions` with 1,000 live sessions and of `streaming.joinSession`.
///
/// The server is wired the way `chobi-server serve` wires it (Store on SQLite in a temp
/// directory, JWT key file, a bound `MediaTransportService`, `SignalingService`, `TRPCRouter` with
/// `UserProcedures` and `StreamingProcedures`, a Hummingbird `Application`), except: rate limits
/// are off (a benchmark client is one address making thousands of calls), and the HTTP server
/// is plain `.http1()` without the `/rtc` WebSocket upgrade and without /health and /metrics
/// (those live in chobi-server, which the bench cannot import; none of them is on the measured path).
///
/// Load: `HTTPLoadClient` keep-alive connections, one blocking OS thread each, closed loop (a
/// connection sends its next request when the previous reply is read). Client and server share
/// the machine's cores, so the figures are "this box serving itself". Any reply that is not 200
/// with a tRPC success envelope fails the run: no figure is printed for a run with errors.
enum APIBenchmark {
    static let hostCount = 1000
    static let viewerCount = 64
    static let pageSize = 20
    /// Requests timed per run with 8 connections (1 connection: a quarter), unless
    /// `CHOBI_API_REQUESTS` says otherwise; every run also stops after `maxRunSeconds`.
    static let requestsPerRun = Int(getenv("CHOBI_API_REQUESTS").map { atoi($0) } ?? 20_000)
    static let warmupRequests = 1000
    static let maxRunSeconds = 20.0
    static let successPrefix = Array(#"{"result":{"data":"#.utf8)

    static func run() async throws -> [BenchResult] {
        let server = try await APIBenchServer.start()
        do {
            let results = try await measure(server)
            await server.stop()
            return results
        } catch {
            await server.stop()
            throw error
        }
    }

    private static func measure(_ server: APIBenchServer) async throws -> [BenchResult] {
        let seed = try await seed(server)
        progress("seeded \(hostCount) hosts with a live session each and \(viewerCount) viewers")
        let port = server.port
        // Correctness first: the timed requests must be doing the work the figure claims.
        let pagePaths = try await offThread { try verifyListing(port: port, seed: seed) }
        try await offThread { try verifyJoin(port: port, seed: seed) }
        progress("listing verified: \(pagePaths.count) pages, \(hostCount) sessions, newest first; joinSession verified")

        let firstPage = listTarget(cursor: nil)
        let scenarios: [(name: String, requests: (Int) -> [[UInt8]])] = [
            ("getActiveSessions first page (1,000 live, limit 20)", { connection in
                (0..<viewerCount).map { getRequest(firstPage, token: seed.viewerTokens[($0 + connection * 8) % viewerCount]) }
            }),
            ("getActiveSessions pages 1-\(pagePaths.count) by cursor", { connection in
                pagePaths.indices.map { getRequest(pagePaths[$0], token: seed.viewerTokens[($0 + connection) % viewerCount]) }
            }),
            ("joinSession (random viewer, random live session)", { connection in
                var random = SplitMix64(seed: 0xA91_0000 + UInt64(connection))
                return (0..<1024).map { _ in
                    let viewer = Int(random.next() % UInt64(viewerCount))
                    let session = Int(random.next() % UInt64(seed.sessionIDs.count))
                    return joinRequest(sessionID: seed.sessionIDs[session], token: seed.viewerTokens[viewer])
                }
            }),
        ]
        var results: [BenchResult] = []
        for scenario in scenarios {
            for connections in [1, 8] {
                let count = connections == 1 ? max(1, requestsPerRun / 4) : requestsPerRun
                let requests = (0..<connections).map(scenario.requests)
                let load = try await closedLoop(port: port, requests: requests, warmup: warmupRequests, count: count)
                let result = try report(load, name: "api \(scenario.name), \(connections) conn")
                progress(result.line)
                results.append(result)
            }
        }
        return results
    }

    // MARK: seeding

    struct Seed: Sendable {
        /// Every seeded session id, lowercase, in the order the list must return them.
        var expectedOrder: [String]
        var sessionIDs: [String]
        var viewerTokens: [String]
    }

    /// 1,000 hosts live at once, straight into the store (bcrypt once: every account shares the
    /// hash, since nobody logs in here). Sessions start in groups of three per millisecond so the
    /// list's tie-break (id ascending within one start time) and the cursor across ties are on the
    /// checked path.
    private static func seed(_ server: APIBenchServer) async throws -> Seed {
        let store = server.store
        let hash = try await PasswordHasher().hash("bench-password")
        let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
        var sessions: [(startedMs: Int64, id: String)] = []
        let categories = ["music", "gaming", "talk", "art"]
        for i in 0..<hostCount {
            let host = try await store.users.create(username: "host\(i)", passwordHash: hash, displayName: "Host \(i)", now: Date())
            let startedMs = nowMs - Int64(i / 3)
            let started = Date(timeIntervalSince1970: Double(startedMs) / 1000)
            let session = try await store.sessions.create(hostId: host.id, title: "Live from host \(i)",
                                                          category: categories[i % categories.count], isPrivate: false, now: started)
            sessions.append((Int64((session.startedAt.timeIntervalSince1970 * 1000).rounded()), session.id.uuidString.lowercased()))
        }
        let signer = await UserTokenSigner(key: server.keyBytes)
        var tokens: [String] = []
        for i in 0..<viewerCount {
            let viewer = try await store.users.create(username: "viewer\(i)", passwordHash: hash, displayName: "Viewer \(i)", now: Date())
            tokens.append(try await signer.sign(AuthenticatedUser(id: viewer.id.uuidString.lowercased(), username: viewer.username),
                                                now: Date()))
        }
        let order = sessions.sorted { $0.startedMs != $1.startedMs ? $0.startedMs > $1.startedMs : $0.id < $1.id }.map(\.id)
        return Seed(expectedOrder: order, sessionIDs: sessions.map(\.id), viewerTokens: tokens)
    }

    // MARK: checks before timing

    private struct Envelope<Payload: Decodable>: Decodable {
        struct Result: Decodable { var data: Payload }
        var result: Result
    }

    private struct ListPage: Decodable {
        struct Item: Decodable { var id: String; var viewerCount: Int; var guestCount: Int }
        var sessions: [Item]
        var nextCursor: String?
    }

    private struct Joined: Decodable {
        struct Session: Decodable { var id: String; var status: String }
        var session: Session
        var roomToken: String
        var role: String
    }

    /// Walks the whole list with the cursor as a viewer; the first page must hold 20 sessions and
    /// a cursor, and all pages together exactly the seeded sessions in the store's order.
    /// - Returns: each page's request target, for the timed walk.
    private static func verifyListing(port: Int, seed: Seed) throws -> [String] {
        let client = try HTTPLoadClient(port: port)
        var targets: [String] = []
        var seen: [String] = []
        var cursor: String?
        repeat {
            let target = listTarget(cursor: cursor)
            let page = try decode(ListPage.self, client.exchange(getRequest(target, token: seed.viewerTokens[0])), what: target)
            if targets.isEmpty, page.sessions.count != pageSize || page.nextCursor == nil {
                throw APIBenchFailure.check("first page: \(page.sessions.count) sessions, nextCursor \(page.nextCursor ?? "nil"); want \(pageSize) and a cursor")
            }
            if let bad = page.sessions.first(where: { $0.viewerCount != 0 || $0.guestCount != 0 }) {
                throw APIBenchFailure.check("session \(bad.id) lists \(bad.viewerCount) viewers, \(bad.guestCount) guests; nobody joined media")
            }
            targets.append(target)
            seen += page.sessions.map(\.id)
            cursor = page.nextCursor
            // More pages than sessions/limit means the cursor does not advance.
            guard targets.count <= hostCount / pageSize + 1 else { throw APIBenchFailure.check("the cursor walk did not end after \(targets.count) pages") }
        } while cursor != nil
        guard seen == seed.expectedOrder else {
            let firstDifference = zip(seen, seed.expectedOrder).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            throw APIBenchFailure.check("walking the list gave \(seen.count) sessions (\(Set(seen).count) distinct), want \(seed.expectedOrder.count) in order; first difference at \(firstDifference.map(String.init) ?? "the end")")
        }
        return targets
    }

    private static func verifyJoin(port: Int, seed: Seed) throws {
        let client = try HTTPLoadClient(port: port)
        guard let session = seed.sessionIDs.last else { throw APIBenchFailure.check("no sessions seeded") }
        let joined = try decode(Joined.self, client.exchange(joinRequest(sessionID: session, token: seed.viewerTokens[1])), what: "joinSession")
        guard joined.session.id == session, joined.session.status == "live", joined.role == "viewer", !joined.roomToken.isEmpty else {
            throw APIBenchFailure.check("joinSession answered session \(joined.session.id) (\(joined.session.status)), role \(joined.role), token of \(joined.roomToken.count) bytes")
        }
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ reply: HTTPLoadClient.Reply, what: String) throws -> T {
        guard reply.status == 200 else {
            throw APIBenchFailure.check("\(what): status \(reply.status): \(String(decoding: reply.body.prefix(300), as: UTF8.self))")
        }
        do {
            return try JSONDecoder().decode(Envelope<T>.self, from: Data(reply.body)).result.data
        } catch {
            throw APIBenchFailure.check("\(what): not the expected envelope (\(error)): \(String(decoding: reply.body.prefix(300), as: UTF8.self))")
        }
    }

    // MARK: requests

    /// `/api/trpc/streaming.getActiveSessions?input=<url-encoded JSON>`: the input is the bare JSON
    /// value (no batch wrapper), as `TRPCRequestTarget` reads it.
    static func listTarget(cursor: String?) -> String {
        var input: [String: Any] = ["limit": pageSize]
        if let cursor { input["cursor"] = cursor }
        let json = (try? JSONSerialization.data(withJSONObject: input, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return "/api/trpc/streaming.getActiveSessions?input=" + percentEncoded(json)
    }

    static func getRequest(_ target: String, token: String) -> [UInt8] {
        Array("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\nAccept: application/json\r\n\r\n".utf8)
    }

    static func joinRequest(sessionID: String, token: String) -> [UInt8] {
        let body = #"{"sessionId":"\#(sessionID)"}"#
        return Array("""
            POST /api/trpc/streaming.joinSession HTTP/1.1\r
            Host: 127.0.0.1\r
            Authorization: Bearer \(token)\r
            Content-Type: application/json\r
            Content-Length: \(body.utf8.count)\r
            \r
            \(body)
            """.utf8)
    }

    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]], as: UTF8.self)
            }
        }
        return out
    }

    // MARK: load

    /// One connection's results, written by its thread only and read after every thread ended.
    final class ConnectionTally: @unchecked Sendable {
        var latencies: [UInt64] = []
        var errors = 0
        var firstError: String?
        var cpuNanos: UInt64 = 0

        func note(_ problem: String) {
            errors += 1
            if firstError == nil { firstError = problem }
        }
    }

    /// What the connections share: the request budget, the start barrier, and the window's clocks
    /// (the last thread to reach the barrier stamps the start, the last to finish the end).
    final class LoadWindow: Sendable {
        let remaining: Atomic<Int>
        let arrived = Atomic<Int>(0)
        let running: Atomic<Int>
        let released = Atomic<Bool>(false)
        let startWall = Atomic<UInt64>(0)
        let startCPU = Atomic<UInt64>(0)
        let endWall = Atomic<UInt64>(0)
        let endCPU = Atomic<UInt64>(0)
        let connections: Int

        init(connections: Int, requests: Int) {
            self.connections = connections
            remaining = Atomic(requests)
            running = Atomic(connections)
        }

        func arrive() {
            if arrived.add(1, ordering: .acquiringAndReleasing).newValue == connections {
                startCPU.store(processCPUNanos(), ordering: .relaxed)
                startWall.store(monotonicNanos(), ordering: .relaxed)
                released.store(true, ordering: .releasing)
            }
            // Bounded: a thread that never arrives (it cannot, see the callers) must not hang the bench.
            let giveUp = monotonicNanos() + 60_000_000_000
            while !released.load(ordering: .acquiring), monotonicNanos() < giveUp { usleep(50) }
        }

        func finish() {
            if running.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
                endWall.store(monotonicNanos(), ordering: .relaxed)
                endCPU.store(processCPUNanos(), ordering: .relaxed)
            }
        }
    }

    struct LoadOutcome {
        var tallies: [ConnectionTally]
        var wallNanos: UInt64
        var processCPUNanos: UInt64
    }

    /// `requests[c]` is cycled by connection `c`. Each connection first sends its share of
    /// `warmup` (checked, not timed); then all start together and share a budget of `count`.
    static func closedLoop(port: Int, requests: [[[UInt8]]], warmup: Int, count: Int) async throws -> LoadOutcome {
        let connections = requests.count
        let window = LoadWindow(connections: connections, requests: count)
        let tallies = (0..<connections).map { _ in ConnectionTally() }
        let warmEach = max(1, warmup / connections)
        let prefix = successPrefix
        try await offThreads(connections) { c in
            let tally = tallies[c]
            let list = requests[c]
            var arrived = false
            do {
                let client = try HTTPLoadClient(port: port)
                var k = 0
                for _ in 0..<warmEach {
                    let reply = try client.exchange(list[k % list.count])
                    k += 1
                    if let failure = failure(of: reply, prefix: prefix) { tally.note(failure) }
                }
                arrived = true
                window.arrive()
                let deadline = window.startWall.load(ordering: .relaxed) + UInt64(maxRunSeconds * 1e9)
                tally.latencies.reserveCapacity(count)
                let cpuStart = threadCPUNanos()
                while window.remaining.subtract(1, ordering: .relaxed).newValue >= 0, monotonicNanos() < deadline {
                    let request = list[k % list.count]
                    k += 1
                    let sent = monotonicNanos()
                    let reply = try client.exchange(request)
                    tally.latencies.append(monotonicNanos() - sent)
                    if let failure = failure(of: reply, prefix: prefix) { tally.note(failure) }
                }
                tally.cpuNanos = threadCPUNanos() - cpuStart
            } catch {
                tally.note("connection \(c): \(error)")
                if !arrived { window.arrive() }
            }
            window.finish()
        }
        let wall = window.endWall.load(ordering: .relaxed) &- window.startWall.load(ordering: .relaxed)
        let cpu = window.endCPU.load(ordering: .relaxed) &- window.startCPU.load(ordering: .relaxed)
        return LoadOutcome(tallies: tallies, wallNanos: wall, processCPUNanos: cpu)
    }

    /// Nil for a 200 carrying a tRPC success envelope, else what was wrong.
    private static func failure(of reply: HTTPLoadClient.Reply, prefix: [UInt8]) -> String? {
        if reply.status == 200, reply.body.starts(with: prefix) { return nil }
        return "status \(reply.status): \(String(decoding: reply.body.prefix(300), as: UTF8.self))"
    }

    static func report(_ load: LoadOutcome, name: String) throws -> BenchResult {
        let errors = load.tallies.reduce(0) { $0 + $1.errors }
        guard errors == 0 else {
            let first = load.tallies.compactMap(\.firstError).first ?? "?"
            throw APIBenchFailure.check("\(name): \(errors) failed requests; first: \(first)")
        }
        let latencies = load.tallies.flatMap(\.latencies)
        guard let percentiles = Percentiles(latencies), load.wallNanos > 0 else {
            throw APIBenchFailure.check("\(name): no requests completed")
        }
        let completed = Double(latencies.count)
        let seconds = Double(load.wallNanos) / 1e9
        let clientCPU = Double(load.tallies.reduce(0) { $0 + $1.cpuNanos })
        // Process CPU minus the client threads' own: the server's share (event loops, GRDB's
        // reader threads, the cooperative pool).
        let serverCPU = max(0, Double(load.processCPUNanos) - clientCPU)
        let cores = Double(max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let busy = Double(load.processCPUNanos) / Double(load.wallNanos) / cores
        return BenchResult(
            name: name, value: completed / seconds, unit: "req/s",
            detail: "p50 \(milliseconds(percentiles.p50)) ms, p99 \(milliseconds(percentiles.p99)) ms over \(latencies.count) requests in \(format2(seconds)) s; CPU per request: server \(format2(serverCPU / completed / 1000)) µs, client \(format2(clientCPU / completed / 1000)) µs; process on CPU \(Int((busy * 100).rounded()))% of \(Int(cores)) cores")
    }

    /// Progress on stderr, so stdout stays the result lines.
    private static func progress(_ message: String) {
        var line = "[api] \(message)\n"
        line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }

    private static func milliseconds(_ nanos: Double) -> String {
        String(format: "%.3f", nanos / 1e6)
    }

    // MARK: threads

    /// Runs `body` on a plain OS thread: blocking socket calls must not sit on one of the two
    /// cooperative-pool threads the server's async handlers also need.
    private static func offThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        var thread: PeerThread?
        let value = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            thread = PeerThread { continuation.resume(with: Result { try body() }) }
        }
        thread?.join()
        return value
    }

    /// Runs `body(0..<count)` on `count` OS threads and waits, without blocking, for all of them.
    static func offThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) async throws {
        let left = Countdown(count)
        var threads: [PeerThread] = []
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            for index in 0..<count {
                threads.append(PeerThread {
                    body(index)
                    if left.tick() { continuation.resume() }
                })
            }
        }
        for thread in threads { thread.join() }
    }
}

/// Threads still running; the last one out says so.
final class Countdown: Sendable {
    private let left: Atomic<Int>
    init(_ count: Int) { left = Atomic(count) }
    /// True for the call that brings the count to zero.
    func tick() -> Bool { left.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 }
}

enum APIBenchFailure: Error, CustomStringConvertible {
    case server(String)
    case check(String)

    var description: String {
        switch self {
        case .server(let s): "server: \(s)"
        case .check(let s): "check failed: \(s)"
        }
    }
}

/// CPU time of the whole process in nanoseconds.
func processCPUNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// A tiny seeded generator, so every run picks the same viewers and sessions.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
