import Foundation

/// Coins minted into a user's account (a purchase, or an admin's grant).
public struct CoinPurchase: Sendable, Codable, Equatable, Hashable, Identifiable {
    public var id: UUID
    /// The ledger transaction that moved the coins.
    public var transactionId: UUID
    public var userId: UUID
    public var amount: Int64
    /// The admin who granted them; nil for purchases made by the system (a payment provider).
    public var grantedBy: UUID?
    public var createdAt: Date
    /// The user's coins right after this purchase (the same on every replay).
    public var coinBalance: Int64

    public init(id: UUID, transactionId: UUID, userId: UUID, amount: Int64, grantedBy: UUID?, createdAt: Date,
                coinBalance: Int64) {
        self.id = id
        self.transactionId = transactionId
        self.userId = userId
        self.amount = amount
        self.grantedBy = grantedBy
        self.createdAt = createdAt
        self.coinBalance = coinBalance
    }
}
