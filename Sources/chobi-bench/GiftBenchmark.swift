import Foundation
import API
import Signaling
import Store

/// `tools/bench gifts`: `gifts.sendGift` over HTTP on loopback (8 connections, closed loop), each
/// request a new gift with its own idempotency key, through the whole path: tRPC, the session's
/// lane, one SQL transaction (debit, credit, platform share, gift record, chat line, ledger
/// seal and its triggers), then the gift's line and `gift_animation` to the room. Two shapes:
/// 8 rooms (a connection each: lanes side by side) and one hot room (one lane, every gift in
/// order). After each run the ledger is audited (`verifyLedger`) and the gifts counted.
/// Then `gift_animation` fan-out to 1,000 members on signaling sockets, from the send to the last
/// member's sink.
enum GiftBenchmark {
    static let connections = 8
    static let requestsPerRun = Int(getenv("CHOBI_GIFT_REQUESTS").map { atoi($0) } ?? 20_000)
    static let members = 1_000
    /// `CHOBI_GIFT_SHAPES=store` (or `http`, `fanout`, comma-separated) runs only those parts:
    /// one part alone is what a profiler (callgrind, perf) should see.
    static let shapes = Set((getenv("CHOBI_GIFT_SHAPES").map { String(cString: $0) } ?? "store,http,fanout")
        .split(separator: ",").map(String.init))

    static func run() async throws -> [BenchResult] {
        let server = try await APIBenchServer.start()
        do {
            var results: [BenchResult] = []
            if shapes.contains("store") { results.append(try await storeOnly(server.store)) }
            if shapes.contains("http") {
                for rooms in [connections, 1] { results.append(try await sendGifts(server, rooms: rooms)) }
            }
            if shapes.contains("fanout") { results.append(try await fanOut(server)) }
            await server.stop()
            return results
        } catch {
            await server.stop()
            throw error
        }
    }

    private static func sendGifts(_ server: APIBenchServer, rooms: Int) async throws -> BenchResult {
        let store = server.store
        let signer = await UserTokenSigner(key: server.keyBytes)
        let tag = UUID().uuidString.prefix(8).lowercased()
        var sessions: [String] = []
        for r in 0..<rooms {
            let host = try await store.users.create(username: "gh\(r)\(tag)", passwordHash: "x", displayName: "Host \(r)", now: Date())
            sessions.append(try await store.sessions.create(hostId: host.id, title: "Gifts \(r)", now: Date()).id.uuidString.lowercased())
        }
        let before = try await store.ledger.verifyLedger()
        var tokens: [String] = []
        var senders: [UUID] = []
        // Connections are not served evenly: each gets keys enough for the whole run, so none
        // ever repeats a key (a replay is cheap and would flatter the figure).
        let perConnection = requestsPerRun + APIBenchmark.warmupRequests
        for c in 0..<connections {
            let sender = try await store.users.create(username: "gs\(c)\(tag)", passwordHash: "x", displayName: "Sender \(c)", now: Date())
            _ = try await store.ledger.addCoins(userId: sender.id, amount: Int64(perConnection), idempotencyKey: "bench-\(c)-\(tag)",
                                                by: nil, now: Date())
            senders.append(sender.id)
            tokens.append(try await signer.sign(AuthenticatedUser(id: sender.id.uuidString.lowercased(), username: sender.username),
                                                now: Date()))
        }
        let requests = (0..<connections).map { c in
            (0..<perConnection).map { i in
                sendRequest(session: sessions[c % rooms], key: "g\(c)-\(i)-\(tag)", token: tokens[c])
            }
        }
        let commitsBefore = store.groupCommitStatistics()
        let load = try await APIBenchmark.closedLoop(port: server.port, requests: requests,
                                                     warmup: APIBenchmark.warmupRequests, count: requestsPerRun)
        let commits = writerLine(from: commitsBefore, to: store.groupCommitStatistics())
        let name = rooms == 1 ? "gifts sendGift, 8 conn, 1 room" : "gifts sendGift, 8 conn, 8 rooms"
        let measured = try APIBenchmark.report(load, name: name)
        let audit = try await store.ledger.verifyLedger()
        guard audit.isClean else { throw APIBenchFailure.check("ledger after \(name): \(audit.violations)") }
        // Roses cost one coin each: what the senders spent is how many gifts went through.
        var sent: Int64 = 0
        for sender in senders { sent += Int64(perConnection) - (try await store.ledger.balance(userId: sender).coins) }
        let result = BenchResult(name: measured.name, value: measured.value, unit: measured.unit,
                                 detail: measured.detail + "; \(commits); ledger audited clean after the run (\(sent) gifts, \(audit.minted - before.minted) coins minted for it)")
        progress(result.line)
        return result
    }

    /// The store's share of a gift: `GiftRepository.sendGift` from 8 tasks at once, no HTTP, no
    /// room. What the HTTP figures lose against it is the request path's cost.
    private static func storeOnly(_ store: Store) async throws -> BenchResult {
        let tag = UUID().uuidString.prefix(8).lowercased()
        let host = try await store.users.create(username: "gsh\(tag)", passwordHash: "x", displayName: "Host", now: Date())
        let session = try await store.sessions.create(hostId: host.id, title: "Store gifts", now: Date()).id
        var senders: [UUID] = []
        for c in 0..<connections {
            let sender = try await store.users.create(username: "gss\(c)\(tag)", passwordHash: "x", displayName: "S\(c)", now: Date())
            _ = try await store.ledger.addCoins(userId: sender.id, amount: Int64(requestsPerRun), idempotencyKey: "s-\(c)-\(tag)",
                                                by: nil, now: Date())
            senders.append(sender.id)
        }
        let perTask = requestsPerRun / connections
        let commitsBefore = store.groupCommitStatistics()
        let start = DispatchTime.now().uptimeNanoseconds
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (c, sender) in senders.enumerated() {
                group.addTask {
                    for i in 0..<perTask {
                        _ = try await store.gifts.sendGift(sessionId: session, senderId: sender, giftId: "rose",
                                                           idempotencyKey: "s\(c)-\(i)", now: Date())
                    }
                }
            }
            try await group.waitForAll()
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let commits = writerLine(from: commitsBefore, to: store.groupCommitStatistics())
        let audit = try await store.ledger.verifyLedger()
        guard audit.isClean else { throw APIBenchFailure.check("ledger after store-only gifts: \(audit.violations)") }
        let result = BenchResult(name: "gifts store sendGift, 8 tasks, no HTTP", value: Double(perTask * connections) / seconds,
                                 unit: "gifts/s", detail: "\(perTask * connections) gifts in \(format2(seconds)) s; \(commits); ledger audited clean")
        progress(result.line)
        return result
    }

    /// Group commit over a run (warm-up included): gifts per transaction and the writer thread's
    /// CPU per gift, the store's serial cost.
    private static func writerLine(from before: GroupCommitStatistics, to after: GroupCommitStatistics) -> String {
        let jobs = Double(max(after.jobs - before.jobs, 1))
        let perBatch = jobs / Double(max(after.batches - before.batches, 1))
        let writer = Double(after.writerNanoseconds - before.writerNanoseconds) / jobs / 1000
        return "\(format2(perBatch)) gifts per commit, writer CPU \(format2(writer)) µs per gift"
    }

    static func sendRequest(session: String, key: String, token: String) -> [UInt8] {
        let body = #"{"sessionId":"\#(session)","giftId":"rose","idempotencyKey":"\#(key)"}"#
        return Array("""
            POST /api/trpc/gifts.sendGift HTTP/1.1\r
            Host: 127.0.0.1\r
            Authorization: Bearer \(token)\r
            Content-Type: application/json\r
            Content-Length: \(body.utf8.count)\r
            \r
            \(body)
            """.utf8)
    }

    /// 1,000 members on signaling sockets (sinks that note the time), one `gift_animation` at a
    /// time, 200 times: from `sendToRoom` to the last member's sink.
    private static func fanOut(_ server: APIBenchServer) async throws -> BenchResult {
        let hub = server.signaling.hub
        let room = "gift-fanout"
        let arrivals = FanOutTally(members: members)
        for i in 0..<members {
            let info = ParticipantInfo(participant: "p\(i)", user: "u\(i)", role: i == 0 ? .host : .viewer)
            _ = try await hub.join(room: room, info) { notice in
                if case .text = notice { arrivals.arrived() }
            }
        }
        let text = #"{"combo":1,"count":1,"gift":{"animation":"rose-float","id":"rose","name":"Rose","tier":"common"},"recipient":{"id":"h","name":"Host"},"sender":{"id":"s","name":"Sender"},"totalCoins":1,"transactionId":"t","type":"gift_animation"}"#
        var samples: [UInt64] = []
        for _ in 0..<200 {
            arrivals.reset()
            let start = DispatchTime.now().uptimeNanoseconds
            await server.signaling.sendToRoom(text, in: room)
            guard arrivals.complete else { throw APIBenchFailure.check("fan-out reached \(arrivals.count) of \(members)") }
            samples.append(DispatchTime.now().uptimeNanoseconds - start)
        }
        guard let spread = Percentiles(samples) else { throw APIBenchFailure.check("no fan-out samples") }
        let result = BenchResult(name: "gifts gift_animation to \(members) members, p50", value: spread.p50 / 1000, unit: "µs",
                                 detail: "p99 \(format2(spread.p99 / 1000)) µs over 200 sends, from sendToRoom to the last member's socket sink (the data channel path costs what `tools/bench chat` shows)")
        progress(result.line)
        return result
    }
}

/// Counts sink calls; members are told synchronously by the hub, so the count is final when
/// `sendToRoom` returns.
final class FanOutTally: @unchecked Sendable {
    private let lock = NSLock()
    private var arrivedCount = 0
    let members: Int

    init(members: Int) { self.members = members }

    func arrived() { lock.withLock { arrivedCount += 1 } }
    func reset() { lock.withLock { arrivedCount = 0 } }
    var count: Int { lock.withLock { arrivedCount } }
    var complete: Bool { count == members }
}
