import Dispatch
import GRDB
import Synchronization

/// Group commit for the writes that come in bursts (gifts, chat lines): jobs queued while a
/// transaction is being written wait for it, then go together in the next one, each in its own
/// savepoint. A job that throws rolls back only its savepoint and fails alone; a commit that
/// fails fails every job of its batch (none of them was written).
///
/// Why: SQLite writes one transaction at a time, and most of a small transaction's cost is the
/// transaction (its WAL frames, the hop to the writer queue), not its statements. Under load a
/// batch carries as many jobs as arrived during the last one, so the cost per job falls as the
/// load rises; an idle store commits a lone job at once, no timer, no added latency.
///
/// Order: jobs run, commit and finish in the order they were queued, so ids the database hands
/// out follow that order, and `onCommit` callbacks (called on one serial queue, in order, after
/// the commit and before the caller resumes) see them in that order too: callers that fan a
/// result out to a room from there keep the room's order without holding a lane across the write.
///
/// Finishing (callbacks, resuming the callers) happens on that queue rather than the writer's,
/// so the next batch starts as soon as one commits: the writer is the one serial resource, and
/// the callbacks' work was a tenth of its time.
final class GroupCommit: Sendable {
    /// Jobs one transaction carries at most (bounds how long the writer holds the lock).
    static let maxBatch = 256

    private struct Job: Sendable {
        /// Runs the job's statements in its savepoint and keeps its outcome for `finish`.
        let run: @Sendable (Database) -> Void
        /// Called after the transaction: nil when it committed, else why it did not.
        let finish: @Sendable (StoreError?) -> Void
    }

    private struct Queue {
        var jobs: [Job] = []
        var writing = false
    }

    private let pool: DatabasePool
    private let queue = Mutex(Queue())
    private let finishing = DispatchQueue(label: "chobi-store.group-commit")

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Runs `body` in the next transaction, in its own savepoint, and returns its value once that
    /// transaction committed. `onCommit` gets the value first, in commit order (see the type).
    func write<T: Sendable>(onCommit: (@Sendable (T) -> Void)? = nil,
                            _ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        let outcome = Outcome<T>()
        let result: Result<T, StoreError> = await withCheckedContinuation { continuation in
            let job = Job(
                run: { db in
                    do {
                        var value: T?
                        try db.inSavepoint {
                            value = try body(db)
                            return .commit
                        }
                        outcome.result = value.map { .success($0) }
                    } catch {
                        outcome.result = .failure(StoreError(error))
                    }
                },
                finish: { commitError in
                    if let commitError {
                        continuation.resume(returning: .failure(commitError))
                        return
                    }
                    let result = outcome.result ?? .failure(.corruptRow("group commit: a job did not run"))
                    if case .success(let value) = result { onCommit?(value) }
                    continuation.resume(returning: result)
                })
            enqueue(job)
        }
        return try result.get()
    }

    private func enqueue(_ job: Job) {
        let start = queue.withLock { queue -> Bool in
            queue.jobs.append(job)
            guard !queue.writing else { return false }
            queue.writing = true
            return true
        }
        if start { writeNextBatch() }
    }

    /// Writes what is queued as one transaction, then (from its completion, still on the writer
    /// queue) the next batch; stops when the queue is empty. The loop never waits for a thread of
    /// the cooperative pool between batches: when those are busy serving requests, the writer
    /// would sit idle while jobs pile up. Other writes queued meanwhile go between two batches.
    private func writeNextBatch() {
        let batch = queue.withLock { queue -> [Job] in
            let batch = Array(queue.jobs.prefix(Self.maxBatch))
            queue.jobs.removeFirst(batch.count)
            if batch.isEmpty { queue.writing = false }
            return batch
        }
        guard !batch.isEmpty else { return }
        pool.asyncWrite({ db in
            for job in batch { job.run(db) }
        }, completion: { _, result in
            let failure: StoreError? = if case .failure(let error) = result { StoreError(error) } else { nil }
            self.finishing.async {
                for job in batch { job.finish(failure) }
            }
            self.writeNextBatch()
        })
    }
}

/// A job's outcome, written by its `run` on the writer queue and read by its `finish` after the
/// transaction returned: never at the same time, the write's completion orders them.
private final class Outcome<T>: @unchecked Sendable {
    var result: Result<T, StoreError>?
}
