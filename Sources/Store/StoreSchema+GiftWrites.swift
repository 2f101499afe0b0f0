import GRDB

// v5: fewer indexes written per gift. A gift inserts one gift_transactions row, and each index on
// that table is one more b-tree insert and, per group commit, one more WAL page. Two indexes
// served nothing but SQLite's foreign-key checks when a parent row is deleted or re-keyed:
// - gift_transactions_by_gift: gifts are catalog rows that are never deleted nor renamed (the
//   triggers below now say so, and a BEFORE trigger aborts before any foreign-key scan);
// - gift_transactions_by_chat_message: chat lines are hidden (deleted_at), never deleted; only a
//   session's deletion would cascade to them, and a session with gifts cannot be deleted
//   (gift_transactions.session_id has no cascade), so that scan finds nothing to check.
extension StoreSchema {
    static func trimGiftIndexesV5(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TRIGGER gifts_never_deleted BEFORE DELETE ON gifts
            BEGIN SELECT RAISE(ABORT, 'catalog gifts are never deleted'); END;
            CREATE TRIGGER gifts_keep_id BEFORE UPDATE OF id ON gifts
            BEGIN SELECT RAISE(ABORT, 'a catalog gift keeps its id'); END;
            DROP INDEX gift_transactions_by_gift;
            DROP INDEX gift_transactions_by_chat_message;
            """)
    }
}
