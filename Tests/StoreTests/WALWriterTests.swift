import CWALWriter
import Foundation
import GRDB
import GRDBSQLite
import Testing
@testable import Store

/// `CWALWriter`: the VFS that hands SQLite's WAL writes to the file in one write per commit. What
/// must hold is SQLite's contract, seen from SQLite itself: other connections see a commit as soon
/// as it returns, a transaction re-reads pages it spilled, SQLite's own recovery (checksums, salts)
/// accepts the WAL it wrote, and `integrity_check` passes.
@Suite("WAL writer VFS", .serialized)
struct WALWriterTests {
    /// The VFS's counts on the calling thread: read before and after a commit in one block on the
    /// writer's thread, they are that commit's alone, whatever other suites write meanwhile.
    private static func counts() -> (given: Int64, made: Int64) {
        var given: Int64 = 0
        var made: Int64 = 0
        chobi_wal_writer_thread_counts(&given, &made)
        return (given, made)
    }

    /// A database path whose directory exists, for connections opened without `Store.open`.
    private func bareFile() throws -> TemporaryDatabase {
        let file = TemporaryDatabase()
        try FileManager.default.createDirectory(atPath: (file.path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        return file
    }

    /// A connection in WAL mode through the default VFS (the writer's, once installed).
    private func walQueue(_ path: String, cachePages: Int = 2000) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA cache_size = \(cachePages)")
        }
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.writeWithoutTransaction { db in
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
        }
        return queue
    }

    @Test("installed as the default VFS; a commit of many pages reaches the file in a few writes, and a second connection sees it at once")
    func commitIsGatheredAndVisible() async throws {
        #expect(Store.walWriterInstalled)
        #expect(String(cString: sqlite3_vfs_find(nil).pointee.zName) == "chobi-wal")
        let file = try bareFile()
        let writer = try walQueue(file.path)
        let reader = try walQueue(file.path)
        try await writer.write { db in
            try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
            try db.execute(sql: "CREATE INDEX t_body ON t(body)")
        }
        for round in 0..<20 {
            // ~30 pages: 10 rows of 1.5 KB in the table and as many in the index.
            let (given, made) = try await writer.writeWithoutTransaction { db in
                let before = Self.counts()
                try db.inTransaction {
                    for i in 0..<10 {
                        try db.execute(sql: "INSERT INTO t (id, body) VALUES (?, randomblob(1500))", arguments: [round * 10 + i])
                    }
                    return .commit
                }
                let after = Self.counts()
                return (after.given - before.given, after.made - before.made)
            }
            #expect(given >= 20, "round \(round): SQLite wrote only \(given) times")
            #expect(made >= 1 && made * 5 <= given, "round \(round): \(made) writes for SQLite's \(given)")
            let seen = try await reader.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") }
            #expect(seen == (round + 1) * 10)
        }
        let check = try await reader.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
        #expect(check == "ok")
    }

    @Test("a transaction larger than the cache and the gather bound re-reads what it spilled, and commits whole")
    func spilledTransactionReadsItsOwnFrames() async throws {
        let file = try bareFile()
        // 20 pages of cache: SQLite writes dirty pages to the WAL mid-transaction and reads them back.
        let writer = try walQueue(file.path, cachePages: 20)
        let rows = 3_000  // ~6 MB: past the 4 MiB bound and many 120 KiB chunks
        let sums = try await writer.write { db -> (Int, Int) in
            try db.execute(sql: "CREATE TABLE big (id INTEGER PRIMARY KEY, body BLOB NOT NULL, tag INTEGER NOT NULL)")
            for i in 0..<rows {
                try db.execute(sql: "INSERT INTO big (id, body, tag) VALUES (?, zeroblob(2000), ?)", arguments: [i, i * 7 % 1000])
            }
            try db.execute(sql: "UPDATE big SET tag = tag + 1 WHERE id % 3 = 0")
            let inside = try Int.fetchOne(db, sql: "SELECT SUM(tag) FROM big") ?? -1
            let expected = (0..<rows).reduce(0) { $0 + $1 * 7 % 1000 + ($1 % 3 == 0 ? 1 : 0) }
            return (inside, expected)
        }
        #expect(sums.0 == sums.1)
        let other = try walQueue(file.path)
        let outside = try await other.read { db in try Int.fetchOne(db, sql: "SELECT SUM(tag) FROM big") }
        #expect(outside == sums.1)
        let check = try await other.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
        #expect(check == "ok")
    }

    @Test("SQLite's recovery accepts the WAL as written: a copy of the files taken while open holds every commit")
    func recoveryReadsTheWrittenLog() async throws {
        let file = TemporaryDatabase()
        // No checkpointer: the copy below must not catch the database file mid-checkpoint.
        let store = try Store.open(path: file.path, checkpointInterval: nil)
        let host = try await store.makeUser("walhost")
        let session = try await store.sessions.create(hostId: host.id, title: "wal", now: at(0)).id
        for i in 0..<200 {
            _ = try await store.chat.post(sessionId: session, authorId: host.id, text: "line \(i)", now: at(1))
        }
        // The copy has a WAL and no index: opening it makes SQLite rebuild the index from the WAL's
        // frames, checking each frame's checksum and salt. A frame written wrong ends the log there.
        let copy = file.directory.appendingPathComponent("copy.sqlite").path
        for suffix in ["", "-wal"] {
            try FileManager.default.copyItem(atPath: file.path + suffix, toPath: copy + suffix)
        }
        let recovered = try DatabaseQueue(path: copy)
        let lines = try await recovered.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM chat_messages WHERE session_id = ?", arguments: [session.storeKey])
        }
        #expect(lines == 200)
        let check = try await recovered.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
        #expect(check == "ok")
        try recovered.close()
        try store.close()
    }
}
