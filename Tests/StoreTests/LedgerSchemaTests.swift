import Foundation
import GRDB
import Testing
@testable import Store

/// The money rules as the database itself enforces them, for writers that skip the repositories.
@Suite("Ledger: what the schema refuses")
struct LedgerSchemaTests {
    /// A store with one user holding 100 coins; returns the store, the user and their account id.
    private func funded() async throws -> (Store, TemporaryDatabase, User, Int64) {
        let file = TemporaryDatabase()
        let store = try file.open()
        let user = try await store.makeUser("payer")
        _ = try await store.ledger.addCoins(userId: user.id, amount: 100, idempotencyKey: "seed", by: nil, now: at(0))
        let account = try await store.pool.read { db in try Ledger.accountId(db, userId: user.id, kind: .coins) }
        return (store, file, user, try #require(account))
    }

    private static func entry(_ db: Database, transaction: String, account: Int64, amount: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO ledger_entries (transaction_id, account_id, amount, balance_after, created_at)
                SELECT ?, id, ?, balance + ?, 0 FROM accounts WHERE id = ?
                """,
            arguments: [transaction, amount, amount, account])
    }

    private func expectConstraint(_ store: Store, _ code: ResultCode, _ body: @escaping @Sendable (Database) throws -> Void)
        async
    {
        let error = await #expect(throws: DatabaseError.self) { try await store.pool.write(body) }
        #expect(error?.extendedResultCode == code, "\(String(describing: error))")
    }

    @Test("a leg on an account that does not exist fails the record, and nothing of it stays")
    func missingAccountRefused() async throws {
        let (store, _, user, coins) = try await funded()
        await expectConstraint(store, .SQLITE_CONSTRAINT_NOTNULL) { db in
            try Ledger.record(db, transactionId: UUID(), kind: .gift, legs: [(coins, -5), (999_999, 5)], nowMs: 0)
        }
        let entries = try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_entries") }
        #expect(entries == 2)  // the seed purchase's two
        #expect(try await store.ledger.balance(userId: user.id).coins == 100)
    }

    @Test("an entry that would take a balance below zero fails, and the whole SQL transaction with it")
    func overdraftRefused() async throws {
        let (store, _, user, coins) = try await funded()
        let platform = try await store.pool.read { db in try Ledger.systemAccount(db, kind: .platform) }
        await expectConstraint(store, .SQLITE_CONSTRAINT_CHECK) { db in
            try Self.entry(db, transaction: "t", account: platform, amount: 101)
            try Self.entry(db, transaction: "t", account: coins, amount: -101)
        }
        // Even a balanced overdraft through Ledger.record.
        await #expect(throws: DatabaseError.self) {
            try await store.pool.write { db in
                try Ledger.record(db, transactionId: UUID(), kind: .gift, legs: [(coins, -150), (platform, 150)], nowMs: 0)
            }
        }
        #expect(try await store.ledger.balance(userId: user.id) == CoinBalance(coins: 100, diamonds: 0))
        #expect(try await store.rowCount("ledger_entries") == 2)
        // And no direct write sets a balance below zero or away from its entries.
        await expectConstraint(store, .SQLITE_CONSTRAINT_TRIGGER) { db in
            try db.execute(sql: "UPDATE accounts SET balance = -1 WHERE id = ?", arguments: [coins])
        }
        await expectConstraint(store, .SQLITE_CONSTRAINT_TRIGGER) { db in
            try db.execute(sql: "UPDATE accounts SET balance = balance + 1000 WHERE id = ?", arguments: [coins])
        }
        await expectConstraint(store, .SQLITE_CONSTRAINT_TRIGGER) { db in
            try db.execute(sql: "INSERT INTO accounts (user_id, kind, balance) VALUES (NULL, 'platform', 5)")
        }
        await expectConstraint(store, .SQLITE_CONSTRAINT_TRIGGER) { db in
            try db.execute(sql: "DELETE FROM accounts WHERE id = ?", arguments: [coins])
        }
        // An entry that lies about the balance it leaves is refused too.
        await expectConstraint(store, .SQLITE_CONSTRAINT_TRIGGER) { db in
            try db.execute(
                sql: """
                    INSERT INTO ledger_entries (transaction_id, account_id, amount, balance_after, created_at)
                    VALUES ('t', ?, -10, 1000, 0)
                    """,
                arguments: [coins])
        }
        // So is an honest-looking one slipped in below the account's latest entry (ids 1 and 2
        // are the seed purchase): the balance it moves no longer matches the latest entry.
        await expectConstraint(store, .SQLITE_CONSTRAINT_TRIGGER) { db in
            try db.execute(
                sql: """
                    INSERT INTO ledger_entries (id, transaction_id, account_id, amount, balance_after, created_at)
                    VALUES (0, 't', ?, -10, 90, 0)
                    """,
                arguments: [coins])
        }
        #expect(try await store.ledger.verifyLedger().isClean)
    }

    @Test("ledger rows are never updated or deleted")
    func appendOnly() async throws {
        let (store, _, _, _) = try await funded()
        for sql in ["UPDATE ledger_entries SET amount = amount * 2",
                    "DELETE FROM ledger_entries",
                    "UPDATE ledger_transactions SET created_at = 1",
                    "DELETE FROM ledger_transactions",
                    "UPDATE coin_purchases SET amount = 1",
                    "DELETE FROM coin_purchases"] {
            await expectConstraint(store, .SQLITE_CONSTRAINT_TRIGGER) { db in try db.execute(sql: sql) }
        }
        #expect(try await store.rowCount("ledger_entries") == 2)
        #expect(try await store.rowCount("ledger_transactions") == 1)
        #expect(try await store.ledger.verifyLedger().isClean)
    }

    @Test("catalog gifts are never deleted nor re-keyed (gift records keep no index for that check)")
    func catalogKept() async throws {
        let (store, _, _, _) = try await funded()
        for sql in ["DELETE FROM gifts WHERE id = 'rose'", "UPDATE gifts SET id = 'tulip' WHERE id = 'rose'"] {
            await expectConstraint(store, .SQLITE_CONSTRAINT_TRIGGER) { db in try db.execute(sql: sql) }
        }
        // Everything but the key may still change (a price, an animation).
        try await store.pool.write { db in try db.execute(sql: "UPDATE gifts SET animation = 'rose-bloom' WHERE id = 'rose'") }
        #expect(try await store.rowCount("gifts") == 9)
    }

    @Test("a transaction is sealed only when its entries sum to zero; unsealed entries cannot commit")
    func unbalancedRefused() async throws {
        let (store, _, user, coins) = try await funded()
        let platform = try await store.pool.read { db in try Ledger.systemAccount(db, kind: .platform) }
        // Sum −10 + 5.
        await expectConstraint(store, .SQLITE_CONSTRAINT_TRIGGER) { db in
            try Self.entry(db, transaction: "t1", account: coins, amount: -10)
            try Self.entry(db, transaction: "t1", account: platform, amount: 5)
            try db.execute(sql: "INSERT INTO ledger_transactions (id, kind, created_at) VALUES ('t1', 'gift', 0)")
        }
        // A single entry cannot balance.
        await expectConstraint(store, .SQLITE_CONSTRAINT_TRIGGER) { db in
            try db.execute(sql: "INSERT INTO ledger_transactions (id, kind, created_at) VALUES ('t2', 'gift', 0)")
        }
        // Balanced entries left without their seal fail the deferred foreign key at commit.
        await expectConstraint(store, .SQLITE_CONSTRAINT_FOREIGNKEY) { db in
            try Self.entry(db, transaction: "t3", account: coins, amount: -10)
            try Self.entry(db, transaction: "t3", account: platform, amount: 10)
        }
        // No entry joins a sealed transaction.
        let sealed = try #require(try await store.pool.read { db in
            try String.fetchOne(db, sql: "SELECT id FROM ledger_transactions")
        })
        await expectConstraint(store, .SQLITE_CONSTRAINT_TRIGGER) { db in
            try Self.entry(db, transaction: sealed, account: coins, amount: -1)
        }
        // A zero entry is no entry.
        await expectConstraint(store, .SQLITE_CONSTRAINT_CHECK) { db in
            try Self.entry(db, transaction: "t4", account: coins, amount: 0)
        }
        // The correct sequence commits.
        try await store.pool.write { db in
            try Self.entry(db, transaction: "t5", account: coins, amount: -10)
            try Self.entry(db, transaction: "t5", account: platform, amount: 10)
            try db.execute(sql: "INSERT INTO ledger_transactions (id, kind, created_at) VALUES ('t5', 'gift', 0)")
        }
        #expect(try await store.ledger.balance(userId: user.id).coins == 90)
        #expect(try await store.ledger.verifyLedger().isClean)
    }

    @Test("verifyLedger reports what the triggers would have stopped")
    func auditFindsViolations() async throws {
        let (store, _, user, coins) = try await funded()
        #expect(try await store.ledger.verifyLedger()
            == LedgerReport(accounts: 3, transactions: 1, entries: 2, minted: 100, circulating: 100, violations: []))
        // Behind the schema's back: triggers off for this connection's write.
        try await store.pool.write { db in
            try db.execute(sql: "DROP TRIGGER accounts_balance_from_entries")
            try db.execute(sql: "UPDATE accounts SET balance = 70 WHERE id = ?", arguments: [coins])
        }
        let report = try await store.ledger.verifyLedger()
        #expect(report.violations == [
            .balanceMismatch(accountId: coins, balance: 70, entriesSum: 100),
            .supplyMismatch(circulating: 70, minted: 100, purchasesBalance: -100),
        ])
        #expect(try await store.ledger.balance(userId: user.id).coins == 70)
    }
}

@Suite("Economy queries and their indexes")
struct EconomyQueryPlanTests {
    private func plan(_ store: Store, _ sql: String, _ arguments: StatementArguments) async throws -> [String] {
        try await store.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
        }
    }

    @Test("chat pages, a user's movements and leaderboards read through indexes")
    func plans() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let page = try await plan(store, ChatRepository.pageSQL, ["session": "s", "before": 10, "limit": 51])
        #expect(page.contains { $0.contains("chat_messages_visible_by_session") }, "\(page)")
        #expect(page.filter { $0.contains("session_participants_by_user_session") }.count == 2, "\(page)")
        #expect(!page.contains { $0.contains("TEMP B-TREE") }, "\(page)")
        let movements = try await plan(store, LedgerRepository.movementsSQL,
                                       ["coins": 1, "diamonds": 2, "user": "u", "before": 10, "limit": 51])
        #expect(movements.filter { $0.contains("ledger_entries_by_account") }.count == 2, "\(movements)")
        for sql in [ChatRepository.pageSQL, LedgerRepository.movementsSQL] {
            let steps = try await plan(store, sql, ["session": "s", "before": 10, "limit": 51, "coins": 1, "diamonds": 2,
                                                    "user": "u"])
            // Scans of a subquery's few rows only; never of a table.
            #expect(!steps.contains { $0.hasPrefix("SCAN") && !$0.contains("INDEX") && !$0.contains("(subquery") },
                    "\(steps)")
        }
        let leaders = try await store.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT * FROM gift_transactions g WHERE g.session_id = ?",
                             arguments: ["s"]).map { $0["detail"] as String }
        }
        #expect(leaders.contains { $0.contains("gift_transactions_by_session") }, "\(leaders)")
    }
}
