/// What `Store.backup(databaseAt:to:)` wrote: a copy that SQLite itself checked page by page.
public struct StoreBackup: Sendable, Equatable {
    /// Where the copy now is (the destination the caller asked for).
    public let path: String
    /// The copy's size on disk.
    public let bytes: Int64
    /// Its pages and their size (`pages × pageSize == bytes` for a copy with no journal left).
    public let pages: Int
    public let pageSize: Int
}
