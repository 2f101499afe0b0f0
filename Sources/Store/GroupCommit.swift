import Glibc
import GRDB
import Synchronization

/// Group commit for the writes that come in bursts (gifts, chat lines): jobs queued while a
/// transaction is being written wait for it, then go together in the next one. A job that throws
/// fails alone and leaves nothing behind (see `commit`); a commit that fails fails every job of
/// its batch (none of them was written).
///
/// Why: SQLite writes one transaction at a time, and most of a small transaction's cost is the
/// transaction (its WAL frames, the hop to the writer queue), not its statements. Under load a
/// batch carries as many jobs as arrived during the last one, so the cost per job falls as the
/// load rises; an idle store commits a lone job at once, no timer, no added latency.
///
/// Order: jobs run, commit and finish in the order they were queued, so ids the database hands
/// out follow that order, and `onCommit` callbacks (called on the writer's queue, in order, after
/// the commit and before the caller resumes) see them in that order too: callers that fan a
/// result out to a room from there keep the room's order without holding a lane across the write.
/// Callbacks must only hand work on (queue it, resume a task), never wait.
///
/// Finishing (callbacks, resuming the callers) happens on the writer's thread, between batches.
/// A queue of its own let the next batch start sooner, but waking its thread for every batch cost
/// more CPU than the finishing itself (the writer woke a parked thread, which then parked again),
/// and the machine's CPU, not the writer, is what a burst of gifts runs out of: finishing in
/// place measured ~5 % less CPU per gift, and batches fill a little more while it runs.
final class GroupCommit: Sendable {
    /// Jobs one transaction carries at most (bounds how long the writer holds the lock).
    static let maxBatch = 256

    private struct Job: Sendable {
        /// Runs the job's statements and keeps its outcome for `finish`; `isolated` runs them in a
        /// savepoint of their own. False when the job failed and left changes behind.
        let run: @Sendable (_ db: Database, _ isolated: Bool) -> Bool
        /// Called after the transaction: nil when it committed, else why it did not.
        let finish: @Sendable (StoreError?) -> Void
    }

    private struct Queue {
        var jobs: [Job] = []
        var writing = false
    }

    private let pool: DatabasePool
    private let queue = Mutex(Queue())
    private let counts = Mutex(GroupCommitStatistics())

    /// What it did so far.
    var statistics: GroupCommitStatistics { counts.withLock { $0 } }
    /// Jobs waiting for the next transaction.
    var queuedJobs: Int { queue.withLock { $0.jobs.count } }

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
                run: { db, isolated in
                    let changes = db.totalChangesCount
                    do {
                        if isolated {
                            var value: T?
                            try db.inSavepoint {
                                value = try body(db)
                                return .commit
                            }
                            outcome.result = value.map { .success($0) }
                        } else {
                            outcome.result = .success(try body(db))
                        }
                        return true
                    } catch {
                        outcome.result = .failure(StoreError(error))
                        // A failed statement undoes itself; statements before it in the job do not.
                        return isolated || db.totalChangesCount == changes
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
        pool.asyncWriteWithoutTransaction { db in
            let cpu = threadCPUNanoseconds()
            let failure: StoreError?
            var isolated = false
            do {
                isolated = try Self.commit(batch, db)
                failure = nil
            } catch {
                failure = StoreError(error)
            }
            self.counts.withLock {
                $0.batches += 1
                $0.jobs += batch.count
                $0.isolatedBatches += isolated ? 1 : 0
                $0.writerNanoseconds += threadCPUNanoseconds() &- cpu
            }
            for job in batch { job.finish(failure) }
            self.writeNextBatch()
        }
    }

    /// Commits `batch` as one transaction. Jobs first run side by side without savepoints: a
    /// savepoint per job cost a tenth of a gift's time on the writer (two statements, and a copy of
    /// every page the job touched first, in case it rolls back). A job that fails before it
    /// changed anything (its checks refused it: no coins, a muted author) needs no rollback. Only
    /// when one fails after it wrote is the transaction rolled back and the batch run again with a
    /// savepoint per job, so that it alone is undone.
    /// - Returns: whether the batch had to be run again with savepoints.
    private static func commit(_ batch: [Job], _ db: Database) throws -> Bool {
        var clean = true
        try db.inTransaction {
            for job in batch {
                try ensureTransaction(db)
                guard job.run(db, false) else {
                    clean = false
                    return .rollback
                }
            }
            return .commit
        }
        guard !clean else { return false }
        try db.inTransaction {
            for job in batch {
                try ensureTransaction(db)
                _ = job.run(db, true)
            }
            return .commit
        }
        return true
    }

    /// Some errors (a full disk, no memory) make SQLite roll the whole transaction back by itself.
    /// The next job must not then run statement by statement outside any transaction: the batch
    /// fails, as a failed commit does.
    private static func ensureTransaction(_ db: Database) throws {
        guard db.isInsideTransaction else {
            throw StoreError.database("group commit: SQLite rolled the transaction back")
        }
    }
}

/// A job's outcome, written by its `run` on the writer queue and read by its `finish` after the
/// transaction returned: never at the same time, the write's completion orders them.
private final class Outcome<T>: @unchecked Sendable {
    var result: Result<T, StoreError>?
}

/// What the group commit did since the store opened: how well batches fill and what the writer
/// spends per job (the store's one serial resource), for benchmarks and diagnostics.
public struct GroupCommitStatistics: Sendable, Equatable {
    /// Transactions committed or attempted.
    public var batches = 0
    public var jobs = 0
    /// Batches run a second time with a savepoint per job (a job failed after it wrote).
    public var isolatedBatches = 0
    /// CPU time of the writer's thread in those transactions, statements and commit.
    public var writerNanoseconds: UInt64 = 0

    public init() {}
}

/// CPU time of the calling thread.
private func threadCPUNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}
