import Foundation
import GRDB

/// Coins and diamonds (`ledger.*`): minting coins, balances, a user's movements, and the audit
/// of the whole ledger. Gifts, the other way money moves, are `GiftRepository.sendGift`.
/// The API decides who may mint (admins, a payment provider's webhook).
public struct LedgerRepository: Sendable {
    let pool: DatabasePool

    /// Most coins one purchase may mint: keeps every sum far from Int64's limit.
    public static let maxPurchase: Int64 = 1_000_000_000
    public static let defaultPageSize = 50
    public static let maxPageSize = 100

    /// Mints `amount` coins into `userId`'s account: the purchases account −amount, the user's
    /// coins +amount, in one ledger transaction. A key used before with the same user, amount and
    /// granter returns the first answer (replayed, nothing written); with other input it is a
    /// conflict.
    /// - Parameter by: the admin granting them; nil for the system (a payment provider).
    /// - Throws: `.invalidInput` (amount outside 1...`maxPurchase`, empty key),
    ///   `.idempotencyConflict`, `.userNotFound` (`userId` or `by`).
    public func addCoins(userId: UUID, amount: Int64, idempotencyKey: String, by: UUID?, now: Date)
        async throws(StoreError) -> IdempotentOutcome<CoinPurchase>
    {
        guard amount > 0, amount <= Self.maxPurchase else {
            throw .invalidInput("amount: between 1 and \(Self.maxPurchase) coins")
        }
        guard !idempotencyKey.isEmpty else { throw .invalidInput("idempotencyKey: empty") }
        let fingerprint = "user=\(userId.storeKey);amount=\(amount);by=\(by?.storeKey ?? "system")"
        let nowMs = now.millisecondsSince1970
        return try await pool.writeValue { db in
            if let first = try Row.fetchOne(
                db, sql: "SELECT id, fingerprint FROM coin_purchases WHERE idempotency_key = ?",
                arguments: [idempotencyKey]) {
                let firstFingerprint: String = try first.decode(forColumn: "fingerprint")
                guard firstFingerprint == fingerprint else { throw StoreError.idempotencyConflict(key: idempotencyKey) }
                let id = try UUID.stored(try first.decode(forColumn: "id"), column: "coin_purchases.id")
                return IdempotentOutcome(value: try Self.purchase(db, id: id), replayed: true)
            }
            for id in [userId] + (by.map { [$0] } ?? []) where try UserRepository.user(db, id: id) == nil {
                throw StoreError.userNotFound(id)
            }
            let ledgerId = UUID.timeOrdered(ms: nowMs)
            let purchases = try Ledger.systemAccount(db, kind: .purchases)
            let coins = try Ledger.account(db, userId: userId, kind: .coins)
            try Ledger.record(db, transactionId: ledgerId, kind: .purchase,
                              legs: [(purchases, -amount), (coins, amount)], nowMs: nowMs)
            let id = UUID.timeOrdered(ms: nowMs)
            try db.execute(
                sql: """
                    INSERT INTO coin_purchases
                        (id, ledger_transaction_id, user_id, amount, granted_by, idempotency_key, fingerprint, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [id.storeKey, ledgerId.storeKey, userId.storeKey, amount, by?.storeKey, idempotencyKey,
                            fingerprint, nowMs])
            return IdempotentOutcome(value: try Self.purchase(db, id: id), replayed: false)
        }
    }

    /// The user's coins and diamonds (0 and 0 for a user who never had any).
    public func balance(userId: UUID) async throws(StoreError) -> CoinBalance {
        try await pool.readValue { db in
            CoinBalance(coins: try Ledger.balance(db, userId: userId, kind: .coins),
                        diamonds: try Ledger.balance(db, userId: userId, kind: .diamonds))
        }
    }

    /// The user's ledger movements (both balances), newest first: the page after `cursor`, or the
    /// newest page without one.
    /// - Parameter limit: clamped to 1...`maxPageSize`.
    public func transactions(userId: UUID, cursor: Int64? = nil, limit: Int = LedgerRepository.defaultPageSize)
        async throws(StoreError) -> LedgerPage
    {
        let limit = min(max(limit, 1), Self.maxPageSize)
        return try await pool.readValue { db in
            let coins = try Ledger.accountId(db, userId: userId, kind: .coins)
            let diamonds = try Ledger.accountId(db, userId: userId, kind: .diamonds)
            guard coins != nil || diamonds != nil else { return LedgerPage(movements: [], nextCursor: nil) }
            var movements = try LedgerMovement.fetchAll(
                db.cachedStatement(sql: Self.movementsSQL),
                arguments: ["coins": coins ?? -1, "diamonds": diamonds ?? -1, "user": userId.storeKey,
                            "before": cursor ?? Int64.max, "limit": limit + 1])
            var next: Int64?
            if movements.count > limit {
                movements.removeLast(movements.count - limit)
                next = movements.last?.id
            }
            return LedgerPage(movements: movements, nextCursor: next)
        }
    }

    /// Audits the whole ledger from one snapshot (see `LedgerViolation`). Reads every entry:
    /// for tests, load tests and an operator's check, not for request paths.
    public func verifyLedger() async throws(StoreError) -> LedgerReport {
        try await pool.readValue { db in try LedgerAudit.run(db) }
    }

    // MARK: - Statements

    static func purchase(_ db: Database, id: UUID) throws -> CoinPurchase {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM coin_purchases WHERE id = ?", arguments: [id.storeKey])
        else { throw StoreError.corruptRow("coin_purchases \(id.storeKey) vanished") }
        let userId = try UUID.stored(try row.decode(forColumn: "user_id"), column: "coin_purchases.user_id")
        let ledgerId = try UUID.stored(try row.decode(forColumn: "ledger_transaction_id"),
                                       column: "coin_purchases.ledger_transaction_id")
        let granter: String? = try row.decode(forColumn: "granted_by")
        return CoinPurchase(
            id: id, transactionId: ledgerId, userId: userId, amount: try row.decode(forColumn: "amount"),
            grantedBy: try granter.map { try UUID.stored($0, column: "coin_purchases.granted_by") },
            createdAt: Date(millisecondsSince1970: try row.decode(forColumn: "created_at")),
            coinBalance: try Ledger.balance(db, userId: userId, kind: .coins, after: ledgerId))
    }

    // Each account's newest entries below the cursor (ledger_entries_by_account, one range each),
    // merged: at most twice `limit` rows are sorted, however long the user's history.
    static let movementsSQL = """
        SELECT e.id, e.transaction_id, t.kind AS transaction_kind, a.kind AS account_kind, e.amount,
               e.balance_after, e.created_at, g.gift_id, g.count, g.session_id,
               CASE WHEN g.sender_id = :user THEN g.recipient_id ELSE g.sender_id END AS counterparty_id
        FROM ledger_entries e
        JOIN accounts a ON a.id = e.account_id
        JOIN ledger_transactions t ON t.id = e.transaction_id
        LEFT JOIN gift_transactions g ON g.ledger_transaction_id = e.transaction_id
        WHERE e.id IN (
            SELECT id FROM (SELECT id FROM ledger_entries WHERE account_id = :coins AND id < :before
                            ORDER BY id DESC LIMIT :limit)
            UNION ALL
            SELECT id FROM (SELECT id FROM ledger_entries WHERE account_id = :diamonds AND id < :before
                            ORDER BY id DESC LIMIT :limit))
        ORDER BY e.id DESC
        LIMIT :limit
        """
}
