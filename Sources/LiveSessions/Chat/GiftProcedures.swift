#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import API
import Store

/// `gifts.*`: the catalog, sending gifts in a live session, balances, history and leaderboards,
/// and coins coming in (`addCoins`, admins only: where a payment provider's confirmed purchase
/// lands, see docs/api.md).
public struct GiftProcedures: Sendable {
    let chat: ChatService
    /// How long clients and proxies may keep the catalog.
    static let catalogMaxAge = 300
    static let maxKeyLength = 128
    /// Coins one `addCoins` may grant.
    static let maxGrant: Int64 = 10_000_000

    public init(chat: ChatService) {
        self.chat = chat
    }

    var store: Store { chat.store }

    struct SendInput: Decodable, Sendable {
        var sessionId: String
        var giftId: String
        var recipientId: String?
        var count: Int?
        var idempotencyKey: String
    }

    struct PageInput: Decodable, Sendable {
        var cursor: String?
        var limit: Int?
    }

    struct LeaderboardInput: Decodable, Sendable {
        var sessionId: String?
        var period: String?
        var limit: Int?
    }

    struct AddCoinsInput: Decodable, Sendable {
        var userId: String
        var amount: Int64
        var idempotencyKey: String
    }

    struct Catalog: Encodable, Sendable {
        var gifts: [GiftPayload]
    }

    struct GiftPayload: JSONBytesEncodable, Sendable {
        var id: String
        var name: String
        var tier: String
        var priceCoins: Int64
        var animation: String
        var canCombo: Bool

        init(_ gift: Gift) {
            id = gift.id
            name = gift.name
            tier = gift.tier.rawValue
            priceCoins = gift.priceCoins
            animation = gift.animation
            canCombo = gift.canCombo
        }

        func writeJSON(to out: inout JSONBytes) {
            out.object { o in
                o.field("animation", animation)
                o.field("canCombo", canCombo)
                o.field("id", id)
                o.field("name", name)
                o.field("priceCoins", priceCoins)
                o.field("tier", tier)
            }
        }
    }

    struct Balance: JSONBytesEncodable, Sendable {
        var coins: Int64
        var diamonds: Int64

        init(_ balance: CoinBalance) {
            coins = balance.coins
            diamonds = balance.diamonds
        }

        func writeJSON(to out: inout JSONBytes) {
            out.object { o in
                o.field("coins", coins)
                o.field("diamonds", diamonds)
            }
        }
    }

    /// `sendGift`'s answer, the hot path's payload: written by hand (`JSONBytes`).
    struct Sent: JSONBytesEncodable, Sendable {
        struct Transaction: Encodable, Sendable {
            var id: String
            var ledgerTransactionId: String
            var sessionId: String
            var gift: GiftPayload
            var senderId: String
            var recipientId: String
            var count: Int
            var totalCoins: Int64
            var recipientDiamonds: Int64
            var platformCoins: Int64
            var chatMessageId: Int64?
            var createdAt: String
        }
        var transaction: Transaction
        var balance: Balance
        /// True when this answers a retry of an earlier call with the same key.
        var replayed: Bool

        func writeJSON(to out: inout JSONBytes) {
            let t = transaction
            out.object { o in
                o.field("balance", balance)
                o.field("replayed", replayed)
                o.field("transaction") { o in
                    o.field("chatMessageId", t.chatMessageId)
                    o.field("count", t.count)
                    o.field("createdAt", t.createdAt)
                    o.field("gift", t.gift)
                    o.field("id", t.id)
                    o.field("ledgerTransactionId", t.ledgerTransactionId)
                    o.field("platformCoins", t.platformCoins)
                    o.field("recipientDiamonds", t.recipientDiamonds)
                    o.field("recipientId", t.recipientId)
                    o.field("senderId", t.senderId)
                    o.field("sessionId", t.sessionId)
                    o.field("totalCoins", t.totalCoins)
                }
            }
        }
    }

    struct Movement: Encodable, Sendable {
        var id: Int64
        var transactionId: String
        var kind: String
        var balance: String
        var amount: Int64
        var balanceAfter: Int64
        var giftId: String?
        var giftCount: Int?
        var sessionId: String?
        var counterpartyId: String?
        var createdAt: String
    }

    struct Movements: Encodable, Sendable {
        var transactions: [Movement]
        var nextCursor: String?
    }

    struct Leader: Encodable, Sendable {
        var userId: String
        var username: String
        var displayName: String
        var avatarUrl: String?
        var amount: Int64
        var gifts: Int
    }

    struct Leaders: Encodable, Sendable {
        var period: String
        var gifters: [Leader]
        var earners: [Leader]
    }

    struct Granted: Encodable, Sendable {
        var purchaseId: String
        var transactionId: String
        var userId: String
        var amount: Int64
        var balance: Int64
        var replayed: Bool
    }

    public func register(on router: inout TRPCRouter) {
        router.query("gifts.getAvailableGifts", cacheSeconds: Self.catalogMaxAge) { (_: Empty?, _) in
            Catalog(gifts: try await store.gifts.catalog().map(GiftPayload.init))
        }
        router.mutation("gifts.sendGift", access: .user) { (input: SendInput, context) in
            try await send(input, sender: try Identifier.caller(context))
        }
        router.query("gifts.getUserBalance", access: .user) { (_: Empty?, context) in
            Balance(try await store.ledger.balance(userId: try Identifier.caller(context)))
        }
        router.query("gifts.getUserTransactions", access: .user) { (input: PageInput?, context) in
            try await transactions(input ?? PageInput(), user: try Identifier.caller(context))
        }
        router.query("gifts.getLeaderboard") { (input: LeaderboardInput?, _) in
            try await leaderboard(input ?? LeaderboardInput())
        }
        router.mutation("gifts.addCoins", access: .user) { (input: AddCoinsInput, context) in
            try await addCoins(input, by: try Identifier.caller(context))
        }
    }

    struct Empty: Decodable, Sendable {}

    // MARK: procedures

    private func send(_ input: SendInput, sender: UUID) async throws -> Sent {
        let session = try Identifier.parse(input.sessionId, field: "sessionId")
        let recipient = try input.recipientId.map { try Identifier.parse($0, field: "recipientId") }
        try InputValidation.length(input.giftId, field: "giftId", in: 1...64)
        try InputValidation.length(input.idempotencyKey, field: "idempotencyKey", in: 1...Self.maxKeyLength)
        let count = input.count ?? 1
        try InputValidation.range(count, field: "count", in: 1...GiftRepository.maxCount)
        let outcome = try await chat.sendGift(sessionId: session, senderId: sender, giftId: input.giftId,
                                              recipientId: recipient, count: count, idempotencyKey: input.idempotencyKey)
        let t = outcome.value.transaction
        return Sent(
            transaction: .init(id: t.id.apiString, ledgerTransactionId: t.ledgerTransactionId.apiString,
                               sessionId: t.sessionId.apiString, gift: GiftPayload(t.gift), senderId: t.senderId.apiString,
                               recipientId: t.recipientId.apiString, count: t.count, totalCoins: t.totalCoins,
                               recipientDiamonds: t.recipientDiamonds, platformCoins: t.platformCoins,
                               chatMessageId: t.chatMessageId, createdAt: JSONDate.string(t.createdAt)),
            balance: Balance(outcome.value.balance), replayed: outcome.replayed)
    }

    private func transactions(_ input: PageInput, user: UUID) async throws -> Movements {
        var cursor: Int64?
        if let text = input.cursor {
            guard let value = Int64(text), value > 0 else { throw InputValidation.failure("cursor", "is not a cursor from this list") }
            cursor = value
        }
        if let limit = input.limit { try InputValidation.range(limit, field: "limit", in: 1...100) }
        let page = try await store.ledger.transactions(userId: user, cursor: cursor, limit: input.limit ?? 50)
        return Movements(transactions: page.movements.map { m in
            Movement(id: m.id, transactionId: m.transactionId.apiString, kind: m.kind.rawValue, balance: m.balance.rawValue,
                     amount: m.amount, balanceAfter: m.balanceAfter, giftId: m.giftId, giftCount: m.giftCount,
                     sessionId: m.sessionId?.apiString, counterpartyId: m.counterpartyId?.apiString,
                     createdAt: JSONDate.string(m.createdAt))
        }, nextCursor: page.nextCursor.map(String.init))
    }

    private func leaderboard(_ input: LeaderboardInput) async throws -> Leaders {
        let period = input.period ?? (input.sessionId == nil ? "all" : "session")
        let session = try input.sessionId.map { try Identifier.parse($0, field: "sessionId") }
        if let limit = input.limit { try InputValidation.range(limit, field: "limit", in: 1...GiftRepository.maxLeaderboardSize) }
        let since: Date?
        switch period {
        case "session":
            guard session != nil else { throw InputValidation.failure("sessionId", "is needed for period \"session\"") }
            since = nil
        case "day": since = chat.now().addingTimeInterval(-24 * 3600)
        case "week": since = chat.now().addingTimeInterval(-7 * 24 * 3600)
        case "all": since = nil
        default: throw InputValidation.failure("period", "must be session, day, week or all")
        }
        let board = try await store.gifts.leaderboard(sessionId: session, since: since,
                                                      limit: input.limit ?? GiftRepository.defaultLeaderboardSize)
        func leader(_ e: LeaderboardEntry) -> Leader {
            Leader(userId: e.userId.apiString, username: e.username, displayName: e.displayName, avatarUrl: e.avatarUrl,
                   amount: e.amount, gifts: e.gifts)
        }
        return Leaders(period: period, gifters: board.gifters.map(leader), earners: board.earners.map(leader))
    }

    private func addCoins(_ input: AddCoinsInput, by caller: UUID) async throws -> Granted {
        guard try await store.users.find(id: caller)?.role == .admin else {
            throw TRPCError.forbidden("only admins add coins")
        }
        let user = try Identifier.parse(input.userId, field: "userId")
        try InputValidation.range(input.amount, field: "amount", in: 1...Self.maxGrant)
        try InputValidation.length(input.idempotencyKey, field: "idempotencyKey", in: 1...Self.maxKeyLength)
        let outcome = try await store.ledger.addCoins(userId: user, amount: input.amount, idempotencyKey: input.idempotencyKey,
                                                      by: caller, now: chat.now())
        let p = outcome.value
        return Granted(purchaseId: p.id.apiString, transactionId: p.transactionId.apiString, userId: p.userId.apiString,
                       amount: p.amount, balance: p.coinBalance, replayed: outcome.replayed)
    }
}
