import Foundation
import GRDB

/// Copies the write-ahead log into the database file from a connection of its own, every
/// `interval`, so that the writer's own checkpoints (SQLite runs one at commit once the WAL passes
/// `wal_autocheckpoint` pages) find the work already done and stop the writer for a moment only.
///
/// Why: a checkpoint copies every page the WAL holds and waits for the disk, and SQLite does it
/// on the connection that committed: with gifts arriving at thousands a second, each one stopped
/// the writer for tens of milliseconds, and every request queued behind it (that was the p99).
/// PASSIVE never blocks the writer or the readers. It stops when the pool is gone.
final class WALCheckpointer: Sendable {
    private let task: Task<Void, Never>

    init(pool: DatabasePool, path: String, interval: Duration) {
        task = Task.detached(priority: .utility) { [weak pool] in
            // Its own connection: the pool's writer must not wait for it, and its readers are
            // read-only (a checkpoint writes the database file).
            var configuration = Configuration()
            configuration.busyMode = .timeout(1)
            configuration.label = "chobi-checkpointer"
            guard let queue = try? DatabaseQueue(path: path, configuration: configuration) else { return }
            while !Task.isCancelled, pool != nil {
                try? await Task.sleep(for: interval)
                _ = try? await queue.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)")
                }
            }
            try? queue.close()
        }
    }

    func stop() { task.cancel() }

    deinit { task.cancel() }
}
