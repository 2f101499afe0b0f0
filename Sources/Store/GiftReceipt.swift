/// The answer to `sendGift`: what was sent, and the sender's balance right after it (the same
/// on every replay of the request), with what the room is told of it (the chat line and both
/// names), read in the same transaction so the caller needs no second trip to the database.
public struct GiftReceipt: Sendable, Codable, Equatable, Hashable {
    public var transaction: GiftTransaction
    public var balance: CoinBalance
    public var chatLine: ChatMessage?
    public var senderName: String
    public var recipientName: String

    public init(transaction: GiftTransaction, balance: CoinBalance, chatLine: ChatMessage? = nil, senderName: String = "",
                recipientName: String = "") {
        self.transaction = transaction
        self.balance = balance
        self.chatLine = chatLine
        self.senderName = senderName
        self.recipientName = recipientName
    }
}
