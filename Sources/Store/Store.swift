// Store: Chobi Live's persistent state on SQLite (GRDB `DatabasePool`, WAL mode): the schema and its
// versioned migrations, and repositories for users, follows and live sessions (participants,
// invites, bans, end-of-session stats), kept chat and its moderation, the gift catalog and the
// coin ledger.
// It does not hash passwords (callers pass the hash), check who may do what (the API decides
// that a caller is the host), keep hot per-packet counters (the SFU does, and flushes), or read
// a clock: every time-dependent method takes `now:`.
// Times are stored as integer milliseconds since 1970 and ids as lowercase UUID strings.

import CWALWriter
import Foundation
import GRDB

/// An open Chobi Live database: one `DatabasePool` shared by the repositories.
public struct Store: Sendable {
    /// Internal so that every SQL statement lives in this module, behind parameter binding.
    let pool: DatabasePool

    public let users: UserRepository
    public let sessions: SessionRepository
    public let chat: ChatRepository
    public let gifts: GiftRepository
    public let ledger: LedgerRepository
    public let progress: ProgressRepository
    public let notifications: NotificationRepository
    public let videos: VideoRepository
    /// Keeps the WAL copied into the database off the writer (nil: only SQLite's own checkpoints).
    let checkpointer: WALCheckpointer?
    /// Gifts', chat posts' and deletions' transactions (shared, so they keep one commit order).
    let commits: GroupCommit

    /// How often the WAL is copied into the database by `WALCheckpointer`.
    public static let checkpointInterval: Duration = .milliseconds(250)
    /// The page size a new database file gets (see `configuration()`).
    static let newPageSize = 2048

    init(pool: DatabasePool, checkpointer: WALCheckpointer? = nil) {
        self.pool = pool
        self.checkpointer = checkpointer
        self.users = UserRepository(pool: pool)
        self.sessions = SessionRepository(pool: pool)
        let commits = GroupCommit(pool: pool)
        self.commits = commits
        self.chat = ChatRepository(pool: pool, commits: commits)
        self.gifts = GiftRepository(pool: pool, commits: commits)
        self.ledger = LedgerRepository(pool: pool)
        self.progress = ProgressRepository(pool: pool)
        self.notifications = NotificationRepository(pool: pool)
        self.videos = VideoRepository(pool: pool)
    }

    /// Opens (creating if needed, with its parent directory) the database at `path`, and applies
    /// the migrations it lacks. A file migrated by a newer binary is refused with
    /// `StoreError.newerSchema` before anything is written to it.
    /// - Parameter checkpointInterval: how often the WAL is copied into the database from a
    ///   connection of its own (nil: by the writer only, when SQLite's autocheckpoint fires).
    public static func open(path: String, checkpointInterval: Duration? = Store.checkpointInterval) throws(StoreError) -> Store {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotOpen(path: path, reason: "cannot create directory \(directory.path): \(error.localizedDescription)")
        }
        // The WAL writer must be the default VFS before the first connection opens: connections
        // keep the VFS they opened with. If it cannot be installed, SQLite's own VFS still works.
        _ = Self.walWriterInstalled
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: url.path, configuration: configuration())
        } catch {
            throw .cannotOpen(path: path, reason: String(describing: error))
        }
        try StoreSchema.migrate(pool, path: path)
        return Store(pool: pool, checkpointer: checkpointInterval.flatMap { WALCheckpointer(path: url.path, interval: $0) })
    }

    static func configuration() -> Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        // Another process (a `migrate` run, a second server on the same file) may hold the write
        // lock briefly; wait for it rather than failing the request.
        config.busyMode = .timeout(5)
        config.label = "chobi-store"
        config.prepareDatabase { db in
            // 2 KiB pages for a new file (an existing one keeps its size): a gift writes index
            // entries at a few places no other gift of its commit touches (its sender's keys and
            // ledger, its session's lines and gifts), and the WAL takes each touched page whole.
            // Half the page is half those bytes; the rows and index entries still fit in a page
            // (1 KiB pages would spill a gift's record into an overflow page). Measured with the
            // gift benchmark: 8 rooms 5 % more gifts/s, writer CPU per gift 6 % less.
            try db.execute(sql: "PRAGMA page_size = \(Store.newPageSize)")
            // WAL + NORMAL survives a crash of the process (kill -9) without losing committed
            // transactions; only a power loss may drop the last few, and it never corrupts.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 10000")
            // Debian builds SQLite with temp files on disk (TEMP_STORE=1): every savepoint's
            // statement journal (group commit runs each job in one) was a file in /var/tmp,
            // created, written and unlinked per gift. A statement journal only matters while its
            // transaction runs; it need not outlive the process, so memory is the right place.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            // Debian also builds with SECURE_DELETE, which zeroes freed cell space on every
            // b-tree rebalance: extra page writes for a store whose money rows are never deleted
            // and whose file is not a privacy boundary (backups copy it whole).
            try db.execute(sql: "PRAGMA secure_delete = OFF")
            // A gift touches a dozen b-trees, some at random places (an account's entries, a
            // sender's keys): with SQLite's 2 MiB default cache the writer read those pages back
            // with a `pread` each, six per gift. A larger cache keeps the hot pages, and mapping
            // the file lets every connection read the rest from the OS cache without a syscall.
            try db.execute(sql: "PRAGMA cache_size = -16384")
            try db.execute(sql: "PRAGMA mmap_size = 268435456")
        }
        return config
    }

    /// Migration identifiers this binary knows, in order.
    public static var knownMigrations: [String] { StoreSchema.migrator.migrations }

    /// Migration identifiers applied to this database, in order of registration.
    public func appliedMigrations() async throws(StoreError) -> [String] {
        try await pool.readValue { db in try StoreSchema.migrator.appliedMigrations(db) }
    }

    /// A trivial query, for readiness checks: throws when the database cannot be read.
    public func ping() async throws(StoreError) {
        _ = try await pool.readValue { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    /// Whether WAL commits are written in one write each (`CWALWriter`): false only if SQLite's
    /// default VFS could not be wrapped.
    public static var walWriterInstalled: Bool { chobi_wal_writer_install() == 0 }

    /// What the group commit (gifts, chat lines) did since the store opened.
    public func groupCommitStatistics() -> GroupCommitStatistics { commits.statistics }

    /// The journal mode SQLite reports ("wal" when the pool is set up as intended).
    public func journalMode() async throws(StoreError) -> String {
        try await pool.readValue { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }
}

extension Store {
    /// Closes the pool (on shutdown); later calls fail with `.database`.
    public func close() throws(StoreError) {
        checkpointer?.stop()
        do {
            try pool.close()
        } catch {
            throw StoreError(error)
        }
    }
}
