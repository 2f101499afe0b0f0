#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GRDB

// Online backup: SQLite's backup API copies the pages of one read snapshot, so writers keep
// writing (WAL) and the copy is one consistent instant of the database: every transaction is in
// it whole or not at all. The copy is written beside the destination, checked, and only then
// renamed over it, so an existing good backup is never replaced by a broken or partial one.
extension Store {
    /// Copies the database at `source` (typically in use by a running server) to `destination`.
    ///
    /// The source is opened read-only and never migrated: a backup must not change the database it
    /// protects, whichever binary takes it. Throws `.backupFailed` when the copy cannot be made or
    /// put in place, and `.backupNotIntact` when SQLite's integrity check of the copy finds
    /// anything; in both cases `destination` is left as it was.
    public static func backup(databaseAt source: String, to destination: String) async throws(StoreError) -> StoreBackup {
        let target = URL(fileURLWithPath: destination).standardizedFileURL
        let live = URL(fileURLWithPath: source).standardizedFileURL
        guard target.resolvingSymlinksInPath() != live.resolvingSymlinksInPath() else {
            throw .backupFailed(path: destination, reason: "the destination is the live database itself")
        }
        let directory = target.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .backupFailed(path: destination, reason: "directory \(directory.path) does not exist")
        }
        guard FileManager.default.fileExists(atPath: live.path) else {
            // Opening would create an empty database, and its backup would look like a success.
            throw .cannotOpen(path: source, reason: "no such file")
        }
        // Same directory, so the final rename stays on one file system and is atomic.
        let partial = directory.appendingPathComponent(".\(target.lastPathComponent).partial-\(UUID().uuidString)").path
        defer { removeLeftovers(of: partial) }

        try await copy(from: live.path, to: partial, reportedAs: destination)
        let (pages, pageSize) = try await verify(partial, reportedAs: destination)
        guard rename(partial, target.path) == 0 else {
            throw .backupFailed(path: destination, reason: "cannot rename the copy into place: \(String(cString: strerror(errno)))")
        }
        syncDirectory(directory.path)
        let bytes = (try? FileManager.default.attributesOfItem(atPath: target.path)[.size] as? NSNumber)?.int64Value ?? 0
        return StoreBackup(path: target.path, bytes: bytes, pages: pages, pageSize: pageSize)
    }

    private static func copy(from source: String, to partial: String, reportedAs destination: String) async throws(StoreError) {
        var readOnly = configuration()
        readOnly.readonly = true
        readOnly.label = "chobi-backup-source"
        let pool: DatabasePool
        let copy: DatabaseQueue
        do {
            pool = try DatabasePool(path: source, configuration: readOnly)
        } catch {
            throw .cannotOpen(path: source, reason: String(describing: error))
        }
        do {
            copy = try DatabaseQueue(path: partial)
        } catch {
            throw .backupFailed(path: destination, reason: "cannot create \(partial): \(error)")
        }
        do {
            // One step (all pages) inside one read transaction: the pages all come from the same
            // snapshot, and writers on other connections never make SQLite restart the copy.
            try await pool.read { live in
                try copy.writeWithoutTransaction { backup in
                    try live.backup(to: backup)
                    // The copy inherits the live file's WAL flag; a backup is better as one
                    // self-contained file that opens anywhere, even read-only.
                    try backup.execute(sql: "PRAGMA journal_mode = DELETE")
                }
            }
            try copy.close()
            try pool.close()
        } catch {
            throw .backupFailed(path: destination, reason: String(describing: StoreError(error)))
        }
    }

    /// SQLite's own check of every page, index and constraint of the copy.
    private static func verify(_ partial: String, reportedAs destination: String) async throws(StoreError) -> (pages: Int, pageSize: Int) {
        var readOnly = Configuration()
        readOnly.readonly = true
        do {
            let copy = try DatabaseQueue(path: partial, configuration: readOnly)
            defer { try? copy.close() }
            let (problems, pages, pageSize) = try await copy.read { db in
                (try String.fetchAll(db, sql: "PRAGMA integrity_check"),
                 try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0,
                 try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0)
            }
            guard problems == ["ok"] else {
                throw StoreError.backupNotIntact(path: destination, problems: problems)
            }
            return (pages, pageSize)
        } catch let error as StoreError {
            throw error
        } catch {
            // A copy damaged badly enough that SQLite cannot even run the check is no better.
            throw .backupNotIntact(path: destination, problems: ["the check could not run: \(StoreError(error))"])
        }
    }

    /// The partial copy and any journal SQLite left beside it, after success or failure alike
    /// (after the rename only the journals can still exist).
    private static func removeLeftovers(of partial: String) {
        for path in [partial, partial + "-journal", partial + "-wal", partial + "-shm"] {
            unlink(path)
        }
    }

    /// Makes the rename itself durable: without it a power loss can bring back the old name.
    private static func syncDirectory(_ path: String) {
        guard let directory = FileHandle(forReadingAtPath: path) else { return }
        try? directory.synchronize()
        try? directory.close()
    }
}
