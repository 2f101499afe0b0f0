import GRDB

/// The queries behind `LedgerRepository.verifyLedger`: each looks for one kind of violation.
enum LedgerAudit {
    static func run(_ db: Database) throws -> LedgerReport {
        var violations: [LedgerViolation] = []

        for row in try Row.fetchAll(db, sql: """
            SELECT a.id, a.balance, COALESCE(SUM(e.amount), 0) AS entries_sum
            FROM accounts a LEFT JOIN ledger_entries e ON e.account_id = a.id
            GROUP BY a.id HAVING a.balance <> entries_sum
            ORDER BY a.id
            """) {
            violations.append(.balanceMismatch(accountId: try row.decode(forColumn: "id"),
                                               balance: try row.decode(forColumn: "balance"),
                                               entriesSum: try row.decode(forColumn: "entries_sum")))
        }

        for id in try Int64.fetchAll(db, sql: """
            SELECT id FROM (
                SELECT id, balance_after,
                       SUM(amount) OVER (PARTITION BY account_id ORDER BY id) AS running
                FROM ledger_entries)
            WHERE balance_after <> running
            ORDER BY id
            """) {
            violations.append(.brokenBalanceChain(entryId: id))
        }

        for row in try Row.fetchAll(db, sql: """
            SELECT t.id, COALESCE(SUM(e.amount), 0) AS total, COUNT(e.id) AS entries
            FROM ledger_transactions t LEFT JOIN ledger_entries e ON e.transaction_id = t.id
            GROUP BY t.id HAVING total <> 0 OR entries < 2
            ORDER BY t.id
            """) {
            violations.append(.unbalancedTransaction(id: try row.decode(forColumn: "id"),
                                                     sum: try row.decode(forColumn: "total"),
                                                     entries: try row.decode(forColumn: "entries")))
        }

        for id in try String.fetchAll(db, sql: """
            SELECT DISTINCT e.transaction_id FROM ledger_entries e
            WHERE NOT EXISTS (SELECT 1 FROM ledger_transactions t WHERE t.id = e.transaction_id)
            ORDER BY e.transaction_id
            """) {
            violations.append(.unsealedEntries(transactionId: id))
        }

        for row in try Row.fetchAll(db, sql: """
            SELECT id, balance FROM accounts
            WHERE (balance < 0 AND kind <> 'purchases') OR (balance > 0 AND kind = 'purchases')
            ORDER BY id
            """) {
            violations.append(.negativeBalance(accountId: try row.decode(forColumn: "id"),
                                               balance: try row.decode(forColumn: "balance")))
        }

        let minted = try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(amount), 0) FROM coin_purchases") ?? 0
        let circulating = try Int64.fetchOne(
            db, sql: "SELECT COALESCE(SUM(balance), 0) FROM accounts WHERE kind <> 'purchases'") ?? 0
        let purchases = try Int64.fetchOne(
            db, sql: "SELECT COALESCE(SUM(balance), 0) FROM accounts WHERE kind = 'purchases'") ?? 0
        if circulating != minted || purchases != -minted {
            violations.append(.supplyMismatch(circulating: circulating, minted: minted, purchasesBalance: purchases))
        }

        return LedgerReport(
            accounts: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM accounts") ?? 0,
            transactions: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_transactions") ?? 0,
            entries: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_entries") ?? 0,
            minted: minted, circulating: circulating, violations: violations)
    }
}
