import Foundation
import GRDB
import Synchronization
import Testing
@testable import Store

@Suite("Group commit, ordered ids and the stored form of ids")
struct GroupCommitTests {
    @Test("a burst of posts: one failing job fails alone, the rest commit, and onCommit sees them in id order")
    func burstCommitsTogetherInOrder() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let host = try await store.makeUser("host")
        let session = try await store.sessions.create(hostId: host.id, title: "t", now: at(0)).id
        let stranger = UUID()  // no such user: its post must fail without taking the others down
        let seen = CommitLog()
        let outcomes = await withTaskGroup(of: (Int, Result<Int64, StoreError>).self) { group in
            for i in 0..<64 {
                group.addTask {
                    do throws(StoreError) {
                        let author = i == 17 ? stranger : host.id
                        let posted = try await store.chat.post(sessionId: session, authorId: author, text: "line \(i)", now: at(1)) {
                            outcome in seen.ids.withLock { $0.append(outcome.value.id) }
                        }
                        return (i, .success(posted.value.id))
                    } catch {
                        return (i, .failure(error))
                    }
                }
            }
            var all: [Int: Result<Int64, StoreError>] = [:]
            for await (i, result) in group { all[i] = result }
            return all
        }
        #expect(outcomes.count == 64)
        if case .failure(let error) = outcomes[17] {
            #expect(error == .userNotFound(stranger))
        } else {
            Issue.record("the stranger's post was kept: \(String(describing: outcomes[17]))")
        }
        let kept = outcomes.compactMap { try? $0.value.get() }
        #expect(kept.count == 63)
        let order = seen.ids.withLock { $0 }
        #expect(order == order.sorted(), "onCommit out of id order: \(order)")
        #expect(Set(order) == Set(kept))
        let page = try await store.chat.messages(sessionId: session, limit: 100)
        #expect(page.messages.count == 63)
    }

    /// Runs `jobs` as one batch: a first job holds the writer until all of them are queued.
    private func oneBatch(_ commits: GroupCommit, _ jobs: [@Sendable (Database) throws -> Int]) async
        -> [Result<Int, StoreError>]
    {
        let release = Mutex(false)
        let holding = Mutex(false)
        let holder = Task {
            try? await commits.write { _ in
                holding.withLock { $0 = true }
                // Bounded like the wait below.
                for _ in 0..<10_000 where !release.withLock({ $0 }) { usleep(1000) }
                return 0
            }
        }
        for _ in 0..<10_000 where !holding.withLock({ $0 }) { try? await Task.sleep(for: .milliseconds(1)) }
        return await withTaskGroup(of: (Int, Result<Int, StoreError>).self) { group in
            for (index, job) in jobs.enumerated() {
                group.addTask {
                    do throws(StoreError) { return (index, .success(try await commits.write(job))) } catch { return (index, .failure(error)) }
                }
            }
            // Bounded: 10 s of 1 ms waits, then the batch goes as it is (and the test's checks fail).
            for _ in 0..<10_000 where commits.queuedJobs < jobs.count { try? await Task.sleep(for: .milliseconds(1)) }
            release.withLock { $0 = true }
            _ = await holder.value
            var results = [Result<Int, StoreError>?](repeating: nil, count: jobs.count)
            for await (index, result) in group { results[index] = result }
            return results.map { $0 ?? .failure(.corruptRow("no result")) }
        }
    }

    @Test("a job that fails after it wrote is undone alone: the batch runs again with a savepoint per job")
    func dirtyFailureIsUndoneAlone() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        try await store.pool.write { db in try db.execute(sql: "CREATE TABLE scratch (x INTEGER PRIMARY KEY)") }
        let insert: @Sendable (Int) -> @Sendable (Database) throws -> Int = { x in
            { db in
                try db.execute(sql: "INSERT INTO scratch (x) VALUES (?)", arguments: [x])
                return x
            }
        }
        let before = store.commits.statistics
        let results = await oneBatch(store.commits, [
            insert(1),
            { db in  // writes, then fails: only a rollback can take its row back
                _ = try insert(2)(db)
                throw StoreError.invalidInput("after writing")
            },
            { _ in throw StoreError.invalidInput("before writing") },
            insert(4),
        ])
        let after = store.commits.statistics
        #expect(try results[0].get() == 1)
        #expect(results[1] == .failure(.invalidInput("after writing")))
        #expect(results[2] == .failure(.invalidInput("before writing")))
        #expect(try results[3].get() == 4)
        let rows = try await store.pool.read { db in try Int.fetchAll(db, sql: "SELECT x FROM scratch ORDER BY x") }
        #expect(rows == [1, 4])
        // The holder's batch, then the four together, run twice.
        #expect(after.batches - before.batches == 2)
        #expect(after.jobs - before.jobs == 5)
        #expect(after.isolatedBatches - before.isolatedBatches == 1)
    }

    @Test("when SQLite itself rolls the transaction back mid-batch, no later job runs outside it: the batch fails whole")
    func transactionLostFailsTheBatch() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        try await store.pool.write { db in try db.execute(sql: "CREATE TABLE scratch (x INTEGER PRIMARY KEY)") }
        let results = await oneBatch(store.commits, [
            { db in try db.execute(sql: "INSERT INTO scratch (x) VALUES (1)"); return 1 },
            { db in  // what SQLITE_FULL or SQLITE_NOMEM do: the transaction is gone
                try db.execute(sql: "ROLLBACK")
                return 2
            },
            { db in  // through the C API, as the hot writes are: GRDB's own check is not on that path
                try RawStatement(db, "INSERT INTO scratch (x) VALUES (3)").execute()
                return 3
            },
        ])
        for result in results {
            if case .success(let value) = result { Issue.record("job \(value) reported success") }
        }
        let rows = try await store.pool.read { db in try Int.fetchAll(db, sql: "SELECT x FROM scratch") }
        #expect(rows.isEmpty)
    }

    @Test("a job refused before it wrote needs no second run: the batch commits once")
    func cleanFailureNeedsNoRollback() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        try await store.pool.write { db in try db.execute(sql: "CREATE TABLE scratch (x INTEGER PRIMARY KEY)") }
        let before = store.commits.statistics
        let results = await oneBatch(store.commits, [
            { db in try db.execute(sql: "INSERT INTO scratch (x) VALUES (1)"); return 1 },
            { db in  // a failed statement undoes itself: the duplicate key leaves nothing behind
                try db.execute(sql: "INSERT INTO scratch (x) VALUES (1)")
                return 2
            },
            { db in try db.execute(sql: "INSERT INTO scratch (x) VALUES (3)"); return 3 },
        ])
        let after = store.commits.statistics
        #expect(try results[0].get() == 1)
        if case .success = results[1] { Issue.record("a duplicate key was accepted") }
        #expect(try results[2].get() == 3)
        let rows = try await store.pool.read { db in try Int.fetchAll(db, sql: "SELECT x FROM scratch ORDER BY x") }
        #expect(rows == [1, 3])
        #expect(after.isolatedBatches == before.isolatedBatches)
        #expect(after.batches - before.batches == 2)
    }

    @Test("storeKey is the lowercase uuidString, for random and edge ids")
    func storeKeyMatchesFoundation() {
        var ids = (0..<200).map { _ in UUID() }
        ids.append(UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
        ids.append(UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255)))
        for id in ids {
            #expect(id.storeKey == id.uuidString.lowercased())
            #expect(UUID(uuidString: id.storeKey) == id)
        }
    }

    @Test("time-ordered ids: version 7, RFC variant, the millisecond up front, strictly increasing, random tails")
    func timeOrderedIds() {
        // Far ahead of any clock another test in this process passes (the sequence state is shared).
        let ms: Int64 = 4_000_000_000_123
        var previous = ""
        var tails = Set<[UInt8]>()
        // More than one millisecond's sequence: the overflow borrows the next millisecond.
        for i in 0..<5_000 {
            let id = UUID.timeOrdered(ms: ms)
            let bytes = withUnsafeBytes(of: id.uuid) { Array($0) }
            tails.insert(Array(bytes[8...]))
            #expect(bytes[6] >> 4 == 7)
            #expect(bytes[8] >> 6 == 0b10)
            let stamp = bytes[0..<6].reduce(Int64(0)) { $0 << 8 | Int64($1) }
            #expect(stamp >= ms && stamp <= ms + 10)
            let key = id.storeKey
            #expect(key > previous, "id \(i) \(key) not after \(previous)")
            previous = key
        }
        // A clock that steps back keeps the order.
        #expect(UUID.timeOrdered(ms: ms - 10_000).storeKey > previous)
        // 62 random bits each, drawn in blocks of 256 words: no tail repeats across refills.
        #expect(tails.count == 5_000)
    }
}

/// What the `onCommit` callbacks saw, in the order they were called.
private final class CommitLog: Sendable {
    let ids = Mutex<[Int64]>([])
}

@Suite("WAL checkpoints off the writer")
struct WALCheckpointerTests {
    /// mxFrame (frames in the WAL) and nBackfill (frames already copied into the database) from
    /// the WAL index in the -shm file: SQLite's own record, read as its format documents it.
    private func walIndex(_ path: String) throws -> (frames: UInt32, backfilled: UInt32) {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path + "-shm"))
        guard bytes.count >= 100 else { return (0, 0) }
        let frames = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 16, as: UInt32.self) }
        let backfilled = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 96, as: UInt32.self) }
        return (frames, backfilled)
    }

    private func writeSome(_ store: Store) async throws {
        for i in 0..<40 { _ = try await store.makeUser("ckpt\(i)") }
    }

    @Test("with the checkpointer the WAL is copied into the database without the writer; without it, it is not")
    func checkpointerBackfillsTheWAL() async throws {
        let withFile = TemporaryDatabase()
        let with = try Store.open(path: withFile.path, checkpointInterval: .milliseconds(50))
        try await writeSome(with)
        var index = try walIndex(withFile.path)
        for _ in 0..<60 where !(index.frames > 0 && index.backfilled == index.frames) {
            try await Task.sleep(for: .milliseconds(50))
            index = try walIndex(withFile.path)
        }
        #expect(index.frames > 0 && index.backfilled == index.frames, "\(index)")

        let withoutFile = TemporaryDatabase()
        let without = try Store.open(path: withoutFile.path, checkpointInterval: nil)
        try await writeSome(without)
        try await Task.sleep(for: .milliseconds(300))
        let untouched = try walIndex(withoutFile.path)
        #expect(untouched.frames > 0 && untouched.backfilled == 0, "\(untouched)")
        try with.close()
        try without.close()
    }
}
