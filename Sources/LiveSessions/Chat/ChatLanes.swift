/// Serial lanes for room work: a room always runs on the same lane, one job at a time, so its
/// chat lines are stored and sent in one order (the order of their ids, which is the order every
/// member sees and `chat.getMessages` pages through). Rooms on other lanes run concurrently.
///
/// Each lane is a stream with one worker task, started at init and ended by `finish()`.
final class ChatLanes: Sendable {
    typealias Job = @Sendable () async -> Void

    private let lanes: [AsyncStream<Job>.Continuation]

    init(count: Int = 32) {
        var lanes: [AsyncStream<Job>.Continuation] = []
        for _ in 0..<max(1, count) {
            let (stream, continuation) = AsyncStream.makeStream(of: Job.self)
            lanes.append(continuation)
            Task {
                for await job in stream { await job() }
            }
        }
        self.lanes = lanes
    }

    deinit { finish() }

    /// Ends every lane once the jobs queued so far are done.
    func finish() {
        for lane in lanes { lane.finish() }
    }

    /// Queues `job` on `room`'s lane without waiting for it (the data channels' consumer must not
    /// wait on one room while others have lines).
    func enqueue(room: String, _ job: @escaping Job) {
        let lane = lanes[Self.index(of: room, count: lanes.count)]
        if case .terminated = lane.yield(job) { Task { await job() } }
    }

    /// Runs `body` on `room`'s lane, after the jobs queued there before it, and returns its result.
    func perform<T: Sendable, E: Error>(room: String, _ body: @escaping @Sendable () async throws(E) -> T) async throws(E) -> T {
        let lane = lanes[Self.index(of: room, count: lanes.count)]
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            let job: Job = { continuation.resume(returning: await Self.result(of: body)) }
            // After shutdown the job runs on its own rather than never answer.
            if case .terminated = lane.yield(job) { Task { await job() } }
        }
        return try result.get()
    }

    private static func result<T, E: Error>(of body: () async throws(E) -> T) async -> Result<T, E> {
        do throws(E) {
            return .success(try await body())
        } catch {
            return .failure(error)
        }
    }

    /// A stable lane for a room name (FNV-1a: Swift's `hashValue` changes between runs).
    static func index(of room: String, count: Int) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in room.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return Int(hash % UInt64(count))
    }
}
