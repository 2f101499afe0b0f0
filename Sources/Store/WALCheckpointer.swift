import Foundation
import GRDB

/// Copies the write-ahead log into the database file from a connection of its own, every
/// `interval`, so that the writer's own checkpoints (SQLite runs one at commit once the WAL passes
/// `wal_autocheckpoint` pages) find the work already done and stop the writer for a moment only.
///
/// Why: a checkpoint copies every page the WAL holds and waits for the disk, and SQLite does it
/// on the connection that committed: with gifts arriving at thousands a second, each one stopped
/// the writer for tens of milliseconds, and every request queued behind it (that was the p99).
/// PASSIVE never blocks the writer or the readers.
///
/// The writer's own checkpoint stays on (at 10,000 pages) even so: only a checkpoint run by the
/// writer at its commit leaves the WAL wholly copied when the next write begins, which is when
/// SQLite starts the WAL over. Under steady load this one's copy is always a little behind, and
/// with the writer's turned off the WAL grew to whatever limit it was given (400 MB at 100,000).
///
/// Its connection closes with it (`stop`, or when the store is released), synchronously: another
/// process opening the file right after must not meet a checkpoint still running.
final class WALCheckpointer: Sendable {
    private let queue: DatabaseQueue
    private let task: Task<Void, Never>

    /// Nil when the file cannot be opened a second time (the store then relies on SQLite's own
    /// checkpoints).
    init?(path: String, interval: Duration) {
        // Its own connection: the pool's writer must not wait for it, and the pool's readers are
        // read-only (a checkpoint writes the database file).
        var configuration = Configuration()
        configuration.busyMode = .timeout(1)
        configuration.label = "chobi-checkpointer"
        guard let queue = try? DatabaseQueue(path: path, configuration: configuration) else { return nil }
        self.queue = queue
        task = Task.detached(priority: .utility) {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled else { return }
                _ = try? await queue.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)")
                }
            }
        }
    }

    func stop() {
        task.cancel()
        try? queue.close()
    }

    deinit { stop() }
}
