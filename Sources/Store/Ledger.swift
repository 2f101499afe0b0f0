import Foundation
import GRDB

/// The only writer of accounts and ledger entries, shared by the repositories that move money.
/// It writes in the order the schema's triggers demand: entries first (each one moving its
/// account's balance), the transaction's seal last.
enum Ledger {
    enum AccountKind: String {
        case coins, diamonds, platform, purchases
    }

    /// The id of the user's account of `kind`, opened (empty) on first use.
    static func account(_ db: Database, userId: UUID, kind: BalanceKind) throws -> Int64 {
        if let id = try accountId(db, userId: userId, kind: kind) { return id }
        try db.execute(sql: "INSERT INTO accounts (user_id, kind) VALUES (?, ?)",
                       arguments: [userId.storeKey, kind.rawValue])
        return db.lastInsertedRowID
    }

    /// The user's account of `kind`, nil when never opened.
    static func accountId(_ db: Database, userId: UUID, kind: BalanceKind) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM accounts WHERE user_id = ? AND kind = ?"),
                           arguments: [userId.storeKey, kind.rawValue])
    }

    /// A user's names and both of their accounts (id, balance; nil and 0 when never opened), in
    /// one read: what a gift needs of its sender. Nil when there is no such user.
    static func holder(_ db: Database, userId: UUID) throws -> Holder? {
        // One join per account rather than `kind IN (...)`: SQLite builds a temporary b-tree for
        // an IN list it probes an index with, a fifth of this read's time.
        let read = try RawStatement(db, """
            SELECT u.username, u.display_name, c.id, c.balance, d.id, d.balance
            FROM users u
            LEFT JOIN accounts c ON c.user_id = u.id AND c.kind = 'coins'
            LEFT JOIN accounts d ON d.user_id = u.id AND d.kind = 'diamonds'
            WHERE u.id = ?
            """)
        read.bind(1, userId)
        return try read.first { row in
            Holder(names: .init(id: userId, username: row.text(0), displayName: row.text(1)),
                   coins: row.int64OrNil(2).map { (id: $0, balance: row.int64(3)) },
                   diamonds: row.int64OrNil(4).map { (id: $0, balance: row.int64(5)) })
        }
    }

    struct Holder {
        let names: UserRepository.Names
        var coins: (id: Int64, balance: Int64)?
        var diamonds: (id: Int64, balance: Int64)?
    }

    /// A user's display name and their diamonds account (nil when never opened): what a gift
    /// needs of its recipient. Nil when there is no such user.
    static func recipient(_ db: Database, userId: UUID) throws -> (displayName: String, diamondsAccount: Int64?)? {
        let read = try RawStatement(db, """
            SELECT u.display_name, a.id
            FROM users u LEFT JOIN accounts a ON a.user_id = u.id AND a.kind = 'diamonds'
            WHERE u.id = ?
            """)
        read.bind(1, userId)
        return try read.first { row in (row.text(0), row.int64OrNil(1)) }
    }

    /// The platform's or the purchases account (the migration opened both).
    static func systemAccount(_ db: Database, kind: AccountKind) throws -> Int64 {
        let read = try RawStatement(db, "SELECT id FROM accounts WHERE user_id IS NULL AND kind = ?")
        read.bind(1, kind.rawValue)
        guard let id = try read.first({ $0.int64(0) }) else {
            throw StoreError.corruptRow("accounts: no \(kind.rawValue) account")
        }
        return id
    }

    /// The user's balance of `kind`, 0 without an account.
    static func balance(_ db: Database, userId: UUID, kind: BalanceKind) throws -> Int64 {
        try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT balance FROM accounts WHERE user_id = ? AND kind = ?"),
            arguments: [userId.storeKey, kind.rawValue]) ?? 0
    }

    /// Writes one balanced transaction: an entry per leg (zero legs are left out, the schema
    /// refuses them), then the seal. The database refuses a leg that would take a balance below
    /// zero and legs that do not sum to zero, and the caller's SQL transaction rolls back.
    static func record(_ db: Database, transactionId: UUID, kind: LedgerTransactionKind,
                       legs: [(account: Int64, amount: Int64)], nowMs: Int64) throws {
        // VALUES, not INSERT ... SELECT: with triggers on the table, SQLite stages a SELECT's rows
        // in a temporary b-tree first. A missing account leaves balance_after NULL, which the
        // schema refuses (and the account_id foreign key would).
        let insertEntry = try RawStatement(db, """
            INSERT INTO ledger_entries (transaction_id, account_id, amount, balance_after, created_at)
            VALUES (?1, ?4, ?2, (SELECT balance + ?2 FROM accounts WHERE id = ?4), ?3)
            """)
        let transaction = transactionId.storeKey
        for leg in legs where leg.amount != 0 {
            insertEntry.bind(1, transaction)
            insertEntry.bind(2, leg.amount)
            insertEntry.bind(3, nowMs)
            insertEntry.bind(4, leg.account)
            try insertEntry.execute()
        }
        let seal = try RawStatement(db, "INSERT INTO ledger_transactions (id, kind, created_at) VALUES (?, ?, ?)")
        seal.bind(1, transaction)
        seal.bind(2, kind.rawValue)
        seal.bind(3, nowMs)
        try seal.execute()
    }

    /// The balance a user's account of `kind` had right after `transactionId` was recorded:
    /// the transaction's own entry on it, or the last entry before the transaction's first.
    static func balance(_ db: Database, userId: UUID, kind: BalanceKind, after transactionId: UUID) throws -> Int64 {
        guard let account = try accountId(db, userId: userId, kind: kind) else { return 0 }
        return try Int64.fetchOne(
            db.cachedStatement(sql: """
                SELECT balance_after FROM ledger_entries
                WHERE account_id = :account
                  AND id <= (SELECT MAX(id) FROM ledger_entries WHERE transaction_id = :tx)
                ORDER BY id DESC LIMIT 1
                """),
            arguments: ["account": account, "tx": transactionId.storeKey]) ?? 0
    }
}
