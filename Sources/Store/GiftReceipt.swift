/// The answer to `sendGift`: what was sent, and the sender's balance right after it (the same
/// on every replay of the request).
public struct GiftReceipt: Sendable, Codable, Equatable, Hashable {
    public var transaction: GiftTransaction
    public var balance: CoinBalance

    public init(transaction: GiftTransaction, balance: CoinBalance) {
        self.transaction = transaction
        self.balance = balance
    }
}
