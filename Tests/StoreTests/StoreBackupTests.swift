import Foundation
import GRDB
import Synchronization
import Testing
@testable import Store

/// Shared between the test and its writer tasks.
private final class Progress: Sendable {
    let sent = Atomic<Int>(0)
    let stop = Atomic<Bool>(false)
}

@Suite("Online backup")
struct StoreBackupTests {
    /// Every ledger entry as text, in id order, read through a plain connection to `path`.
    private func entries(at path: String, upTo last: Int64 = .max) throws -> [String] {
        let db = try DatabaseQueue(path: path, configuration: { var c = Configuration(); c.readonly = true; return c }())
        defer { try? db.close() }
        return try db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, transaction_id, account_id, amount, balance_after FROM ledger_entries
                WHERE id <= ? ORDER BY id
                """, arguments: [last]).map { "\($0)" }
        }
    }

    @Test("a backup taken while gifts are being written opens, checks out and holds a clean prefix of the ledger")
    func backupWhileWriting() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let host = try await store.makeUser("host")
        let session = try await store.sessions.create(hostId: host.id, title: "busy", now: at(0)).id
        var senders: [User] = []
        for i in 0..<4 {
            let sender = try await store.makeUser("sender\(i)")
            _ = try await store.ledger.addCoins(userId: sender.id, amount: 100_000, idempotencyKey: "fund\(i)", by: nil, now: at(1))
            senders.append(sender)
        }
        // Bulk, so the copy has many pages to take while writes go on.
        for i in 0..<300 { _ = try await store.makeUser("filler\(i)") }

        let progress = Progress()
        let writers = Task {
            await withTaskGroup(of: Void.self) { group in
                for (index, sender) in senders.enumerated() {
                    group.addTask {
                        // Bounded: ends when told, or after 1,500 gifts each, whichever is first.
                        for n in 0..<1500 where !progress.stop.load(ordering: .relaxed) {
                            if (try? await store.gifts.sendGift(sessionId: session, senderId: sender.id, giftId: "rose",
                                                                idempotencyKey: "g\(index)-\(n)", now: at(2))) != nil {
                                progress.sent.add(1, ordering: .relaxed)
                            }
                        }
                    }
                }
            }
        }
        let deadline = ContinuousClock.now + .seconds(60)
        while progress.sent.load(ordering: .relaxed) < 100, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        let before = progress.sent.load(ordering: .relaxed)
        let copyPath = file.directory.appendingPathComponent("copy.sqlite").path
        let backup = try await Store.backup(databaseAt: file.path, to: copyPath)
        let during = progress.sent.load(ordering: .relaxed)
        // Gifts keep landing after the backup: the live database was never locked for writing.
        while progress.sent.load(ordering: .relaxed) < during + 50, progress.sent.load(ordering: .relaxed) < 6000, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        progress.stop.store(true, ordering: .relaxed)
        await writers.value

        #expect(backup.path == copyPath)
        #expect(backup.pages > 0 && backup.pageSize > 0)
        #expect(backup.bytes == Int64(backup.pages * backup.pageSize))
        // One self-contained file: nothing beside it, and it opens in rollback-journal mode.
        #expect(!FileManager.default.fileExists(atPath: copyPath + "-wal"))
        let names = try FileManager.default.contentsOfDirectory(atPath: file.directory.path)
        #expect(!names.contains { $0.contains("partial") }, "\(names)")
        let raw = try DatabaseQueue(path: copyPath)
        #expect(try await raw.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") } == ["ok"])
        #expect(try await raw.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "delete")
        try raw.close()

        // The copy is a store of its own whose ledger balances, and it holds the gifts sent before
        // the backup started, none the live file does not have, and every entry up to its last
        // exactly as the live file has it (a prefix, not a sample).
        let copy = try Store.open(path: copyPath)
        let report = try await copy.ledger.verifyLedger()
        #expect(report.isClean, "\(report.violations)")
        let copied = try await copy.rowCount("gift_transactions")
        let total = try await store.rowCount("gift_transactions")
        #expect(before >= 100 && copied >= before && copied <= total, "copied \(copied), before \(before), total \(total)")
        #expect(copied < total, "writes after the backup are not in it")
        let lastId = try await copy.pool.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM ledger_entries") ?? 0 }
        try copy.close()
        let copiedEntries = try entries(at: copyPath)
        #expect(copiedEntries.count >= 2 * copied)
        #expect(try entries(at: file.path, upTo: lastId) == copiedEntries)
    }

    @Test("an existing file at the destination is replaced by the new copy")
    func replacesAnOlderBackup() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let copyPath = file.directory.appendingPathComponent("copy.sqlite").path
        _ = try await Store.backup(databaseAt: file.path, to: copyPath)
        _ = try await store.makeUser("later")
        _ = try await Store.backup(databaseAt: file.path, to: copyPath)
        #expect(try await Store.open(path: copyPath).users.find(username: "later") != nil)
    }

    @Test("a copy that fails SQLite's integrity check is refused and the older backup stays")
    func corruptCopyIsRefused() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        for i in 0..<400 { _ = try await store.makeUser("user\(i)") }
        let copyPath = file.directory.appendingPathComponent("copy.sqlite").path
        _ = try await Store.backup(databaseAt: file.path, to: copyPath)
        let good = try Data(contentsOf: URL(fileURLWithPath: copyPath))
        let (root, pageSize) = try await store.pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_master WHERE name = 'sqlite_autoindex_users_1'") ?? 0,
             try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0)
        }
        // Everything into the main file, so the scribble below is what every reader sees. The
        // store's own checkpointer stops first: a TRUNCATE checkpoint that meets it mid-copy on a
        // loaded machine can give up with SQLITE_BUSY.
        store.checkpointer?.stop()
        try await store.pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        try store.close()
        #expect(root > 1)
        let wal = try? FileManager.default.attributesOfItem(atPath: file.path + "-wal")[.size] as? NSNumber
        #expect(wal == nil || wal?.intValue == 0)
        // Scribble over the username index's root page: the backup still copies every page (it
        // does not read them), but the copy's index is no b-tree any more.
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: file.path))
        try handle.seek(toOffset: UInt64((root - 1) * pageSize))
        handle.write(Data(repeating: 0x5A, count: pageSize))
        try handle.close()

        let error = await #expect(throws: StoreError.self) { _ = try await Store.backup(databaseAt: file.path, to: copyPath) }
        guard case .backupNotIntact(let path, let problems) = error else {
            Issue.record("expected backupNotIntact, got \(String(describing: error))")
            return
        }
        #expect(path == copyPath && !problems.isEmpty && problems != ["ok"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: copyPath)) == good)
        let names = try FileManager.default.contentsOfDirectory(atPath: file.directory.path)
        #expect(!names.contains { $0.contains("partial") }, "\(names)")
    }

    @Test("refusals: the live file as destination, a missing source, a missing directory")
    func refusals() async throws {
        let file = TemporaryDatabase()
        _ = try file.open()
        let live = await #expect(throws: StoreError.self) { _ = try await Store.backup(databaseAt: file.path, to: file.path) }
        guard case .backupFailed = live else { Issue.record("got \(String(describing: live))"); return }

        let missing = file.directory.appendingPathComponent("nothing-here.sqlite").path
        let absent = await #expect(throws: StoreError.self) {
            _ = try await Store.backup(databaseAt: missing, to: file.directory.appendingPathComponent("c.sqlite").path)
        }
        guard case .cannotOpen = absent else { Issue.record("got \(String(describing: absent))"); return }
        #expect(!FileManager.default.fileExists(atPath: missing), "a backup must not create the database it copies")

        let nowhere = await #expect(throws: StoreError.self) {
            _ = try await Store.backup(databaseAt: file.path, to: file.directory.appendingPathComponent("no/dir/c.sqlite").path)
        }
        guard case .backupFailed = nowhere else { Issue.record("got \(String(describing: nowhere))"); return }
    }
}
