import Foundation

/// One sent gift (possibly a combo of `count`), as stored with its ledger transaction.
public struct GiftTransaction: Sendable, Codable, Equatable, Hashable, Identifiable {
    public var id: UUID
    /// The ledger transaction that moved the coins.
    public var ledgerTransactionId: UUID
    public var sessionId: UUID
    public var gift: Gift
    public var senderId: UUID
    public var recipientId: UUID
    public var count: Int
    /// The gift's price when sent.
    public var unitPriceCoins: Int64
    /// What the sender paid: `unitPriceCoins * count`.
    public var totalCoins: Int64
    /// The recipient's share, in diamonds.
    public var recipientDiamonds: Int64
    /// The rest: `totalCoins - recipientDiamonds`.
    public var platformCoins: Int64
    /// The `.gift` line written with it in the session's chat.
    public var chatMessageId: Int64?
    public var createdAt: Date

    public init(id: UUID, ledgerTransactionId: UUID, sessionId: UUID, gift: Gift, senderId: UUID, recipientId: UUID,
                count: Int, unitPriceCoins: Int64, totalCoins: Int64, recipientDiamonds: Int64, platformCoins: Int64,
                chatMessageId: Int64?, createdAt: Date) {
        self.id = id
        self.ledgerTransactionId = ledgerTransactionId
        self.sessionId = sessionId
        self.gift = gift
        self.senderId = senderId
        self.recipientId = recipientId
        self.count = count
        self.unitPriceCoins = unitPriceCoins
        self.totalCoins = totalCoins
        self.recipientDiamonds = recipientDiamonds
        self.platformCoins = platformCoins
        self.chatMessageId = chatMessageId
        self.createdAt = createdAt
    }
}
