import Synchronization

/// Serial lanes for room work: a room always runs on the same lane, one job at a time, so its
/// chat lines are stored and sent in one order (the order of their ids, which is the order every
/// member sees and `chat.getMessages` pages through). Rooms on other lanes run concurrently.
///
/// A lane has no task of its own: whoever queues work runs the lane (`drain`) right after, and a
/// task that finds someone already draining leaves its jobs to them. A gift's announcement is
/// queued by the store's writer at commit and run by the gift's own request once its write
/// returns, in the task that is awake anyway; a lane task woken for every gift cost more CPU than
/// the fan-out it ran (a wake-up and a park per gift, on two cores).
///
/// The rule for callers: every `enqueue` is followed by a `drain` of the same room by the task
/// that caused it (or use `dispatch`), else the job waits for the room's next drain.
final class ChatLanes: Sendable {
    typealias Job = @Sendable () async -> Void

    /// Jobs one drain runs before it hands the rest to a task of its own: a request that drains
    /// its room must not keep answering late because a hot room keeps queueing.
    static let drainBudget = 32

    private struct Lane {
        var jobs: [Job] = []
        var head = 0
        var draining = false

        /// Takes the lane for draining: false when it is empty or someone drains it already.
        mutating func claim() -> Bool {
            guard !draining, head < jobs.count else { return false }
            draining = true
            return true
        }

        /// The next job for the drainer, or nil (and the lane released) when there is none.
        mutating func next() -> Job? {
            guard head < jobs.count else {
                jobs.removeAll(keepingCapacity: true)
                head = 0
                draining = false
                return nil
            }
            let job = jobs[head]
            head += 1
            if head >= 64, head * 2 >= jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            return job
        }
    }

    private final class LaneLock: Sendable {
        let lock = Mutex(Lane())
    }

    private let lanes: [LaneLock]

    init(count: Int = 32) {
        lanes = (0..<max(1, count)).map { _ in LaneLock() }
    }

    /// Queues `job` on `room`'s lane without running it; safe from any thread (the store's writer
    /// calls it at commit). The caller's task must `drain(room:)` after.
    func enqueue(room: String, _ job: @escaping Job) {
        lane(of: room).lock.withLock { $0.jobs.append(job) }
    }

    /// Queues `job` and runs the lane in a task of its own, for callers that must not wait (the
    /// data channels' consumer must not wait on one room while others have lines).
    func dispatch(room: String, _ job: @escaping Job) {
        enqueue(room: room, job)
        Task { await self.drain(room: room) }
    }

    /// Runs `room`'s queued jobs in order, those queued meanwhile too, unless another task is
    /// draining it (that one runs them). Past `drainBudget` jobs the rest go to a task.
    func drain(room: String) async {
        let lane = lane(of: room)
        guard lane.lock.withLock({ $0.claim() }) else { return }
        await run(lane)
    }

    /// Runs `body` on `room`'s lane, after the jobs queued there before it, and returns its result.
    func perform<T: Sendable, E: Error>(room: String, _ body: @escaping @Sendable () async throws(E) -> T) async throws(E) -> T {
        let answer = Answer<T, E>()
        enqueue(room: room) { answer.set(await Self.result(of: body)) }
        await drain(room: room)
        return try await answer.value().get()
    }

    /// Drains a claimed lane.
    private func run(_ lane: LaneLock) async {
        for _ in 0..<Self.drainBudget {
            guard let job = lane.lock.withLock({ $0.next() }) else { return }
            await job()
        }
        // Still claimed: whatever is left goes on in a task, which inherits the claim.
        let more = lane.lock.withLock { state -> Bool in
            guard state.head < state.jobs.count else {
                _ = state.next()  // releases the lane
                return false
            }
            return true
        }
        if more { Task { await self.run(lane) } }
    }

    private func lane(of room: String) -> LaneLock {
        lanes[Self.index(of: room, count: lanes.count)]
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

/// A `perform` job's result, set by whichever task drained the job and read by the caller.
private final class Answer<T: Sendable, E: Error>: Sendable {
    private enum State {
        case waiting(CheckedContinuation<Result<T, E>, Never>?)
        case done(Result<T, E>)
    }

    private let state = Mutex(State.waiting(nil))

    func set(_ result: Result<T, E>) {
        let waiter = state.withLock { state -> CheckedContinuation<Result<T, E>, Never>? in
            guard case .waiting(let waiter) = state else { return nil }
            state = .done(result)
            return waiter
        }
        waiter?.resume(returning: result)
    }

    func value() async -> Result<T, E> {
        if case .done(let result) = state.withLock({ $0 }) { return result }
        return await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Result<T, E>? in
                if case .done(let result) = state { return result }
                state = .waiting(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
