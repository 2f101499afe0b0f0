import Foundation

/// One way the ledger is not what the schema promises. The triggers and CHECKs should make every
/// one of these impossible; `verifyLedger` looks anyway (after a restore, a manual fix, a bug).
public enum LedgerViolation: Sendable, Equatable, Hashable {
    /// An account's balance is not the sum of its entries.
    case balanceMismatch(accountId: Int64, balance: Int64, entriesSum: Int64)
    /// An entry's balance_after does not continue the account's running sum.
    case brokenBalanceChain(entryId: Int64)
    /// A transaction's entries do not sum to zero, or there are fewer than two.
    case unbalancedTransaction(id: String, sum: Int64, entries: Int)
    /// Entries that name a transaction that was never sealed.
    case unsealedEntries(transactionId: String)
    /// A balance below zero (or, for `purchases`, above zero).
    case negativeBalance(accountId: Int64, balance: Int64)
    /// What users and the platform hold is not what was minted (coin_purchases), or the
    /// purchases account is not minus what was minted.
    case supplyMismatch(circulating: Int64, minted: Int64, purchasesBalance: Int64)
}

/// What `verifyLedger` found, from one consistent snapshot.
public struct LedgerReport: Sendable, Equatable {
    public var accounts: Int
    public var transactions: Int
    public var entries: Int
    /// Coins ever minted (sum of purchases).
    public var minted: Int64
    /// Sum of every balance except `purchases`: coins, diamonds and the platform's.
    public var circulating: Int64
    public var violations: [LedgerViolation]

    public var isClean: Bool { violations.isEmpty }

    public init(accounts: Int, transactions: Int, entries: Int, minted: Int64, circulating: Int64,
                violations: [LedgerViolation]) {
        self.accounts = accounts
        self.transactions = transactions
        self.entries = entries
        self.minted = minted
        self.circulating = circulating
        self.violations = violations
    }
}
