import Foundation
import GRDB

/// Why money moved.
public enum LedgerTransactionKind: String, Sendable, Codable, Equatable, CaseIterable {
    /// Coins minted into a user's account.
    case purchase
    /// A gift: the sender's coins to the recipient's diamonds and the platform.
    case gift
}

/// Which of a user's two balances an entry moved.
public enum BalanceKind: String, Sendable, Codable, Equatable, CaseIterable {
    case coins, diamonds
}

/// One change of one of a user's balances (`ledger.transactions`).
public struct LedgerMovement: Sendable, Codable, Equatable, Hashable, Identifiable {
    /// The ledger entry; movements page by it.
    public var id: Int64
    public var transactionId: UUID
    public var kind: LedgerTransactionKind
    public var balance: BalanceKind
    /// Signed: negative when the balance went down.
    public var amount: Int64
    public var balanceAfter: Int64
    public var createdAt: Date
    /// For gifts: which gift, how many, in which session, and the other user (the recipient when
    /// this user sent it, the sender when they received it).
    public var giftId: String?
    public var giftCount: Int?
    public var sessionId: UUID?
    public var counterpartyId: UUID?

    public init(id: Int64, transactionId: UUID, kind: LedgerTransactionKind, balance: BalanceKind, amount: Int64,
                balanceAfter: Int64, createdAt: Date, giftId: String? = nil, giftCount: Int? = nil,
                sessionId: UUID? = nil, counterpartyId: UUID? = nil) {
        self.id = id
        self.transactionId = transactionId
        self.kind = kind
        self.balance = balance
        self.amount = amount
        self.balanceAfter = balanceAfter
        self.createdAt = createdAt
        self.giftId = giftId
        self.giftCount = giftCount
        self.sessionId = sessionId
        self.counterpartyId = counterpartyId
    }
}

extension LedgerMovement: FetchableRecord {
    /// A row of `LedgerRepository.movementsSQL`.
    public init(row: Row) throws {
        let kind: String = try row.decode(forColumn: "transaction_kind")
        let balance: String = try row.decode(forColumn: "account_kind")
        guard let parsedKind = LedgerTransactionKind(rawValue: kind) else {
            throw StoreError.corruptRow("ledger_transactions.kind")
        }
        guard let parsedBalance = BalanceKind(rawValue: balance) else { throw StoreError.corruptRow("accounts.kind") }
        let session: String? = try row.decode(forColumn: "session_id")
        let counterparty: String? = try row.decode(forColumn: "counterparty_id")
        self.init(
            id: try row.decode(forColumn: "id"),
            transactionId: try UUID.stored(try row.decode(forColumn: "transaction_id"),
                                           column: "ledger_entries.transaction_id"),
            kind: parsedKind,
            balance: parsedBalance,
            amount: try row.decode(forColumn: "amount"),
            balanceAfter: try row.decode(forColumn: "balance_after"),
            createdAt: Date(millisecondsSince1970: try row.decode(forColumn: "created_at")),
            giftId: try row.decode(forColumn: "gift_id"),
            giftCount: try row.decode(forColumn: "count"),
            sessionId: try session.map { try UUID.stored($0, column: "gift_transactions.session_id") },
            counterpartyId: try counterparty.map { try UUID.stored($0, column: "gift_transactions.sender_id") })
    }
}
