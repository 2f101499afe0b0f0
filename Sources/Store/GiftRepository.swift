import Foundation
import GRDB

/// Gifts (`gifts.*`): the catalog, sending a gift, and leaderboards. Sending is the ledger's
/// second way money moves (after `LedgerRepository.addCoins`), all of it in one SQL transaction.
public struct GiftRepository: Sendable {
    let pool: DatabasePool
    /// Posts, deletions and gifts: the writes that come in bursts, and whose order rooms see.
    let commits: GroupCommit

    /// Gifts one request may send at once.
    public static let maxCount = 99
    /// The recipient's share of a gift's coins, in percent; the platform keeps the rest. The
    /// recipient's diamonds are rounded down, so the platform gets any odd coin.
    public static let defaultRecipientSharePercent = 70
    public static let defaultLeaderboardSize = 10
    public static let maxLeaderboardSize = 100

    /// Every gift, in catalog order.
    public func catalog() async throws(StoreError) -> [Gift] {
        try await pool.readValue { db in
            try Gift.fetchAll(db, sql: "SELECT * FROM gifts ORDER BY sort_order, id")
        }
    }

    /// Sends `count` of `giftId` from `senderId` to `recipientId` (the host when nil) in a live
    /// session. In one SQL transaction: the sender's coins −total, the recipient's diamonds +share,
    /// the platform +rest, the gift's record and a `.gift` line in the session's chat.
    ///
    /// The same `idempotencyKey` from the same sender with the same input (session, gift,
    /// recipient, count) returns the first receipt, replayed, and writes nothing, even after the
    /// session ended; with other input it is a conflict.
    /// - Parameters:
    ///   - recipientSharePercent: 0...100, see `defaultRecipientSharePercent`.
    ///   - onCommit: as in `ChatRepository.post` (gifts and lines share one commit order).
    /// - Throws: `.invalidInput` (count outside 1...`maxCount`, share outside 0...100, empty key),
    ///   `.idempotencyConflict`, `.sessionNotFound`, `.sessionEnded`, `.userNotFound` (sender),
    ///   `.banned`, `.notAdmitted` (the sender), `.cannotGiftSelf`, `.recipientNotOnStage` (neither
    ///   the host nor a guest on stage now),
    ///   `.giftNotFound`, `.giftNotComboable`, `.insufficientCoins` (nothing is written).
    public func sendGift(sessionId: UUID, senderId: UUID, giftId: String, recipientId: UUID? = nil, count: Int = 1,
                         idempotencyKey: String,
                         recipientSharePercent: Int = GiftRepository.defaultRecipientSharePercent,
                         now: Date, onCommit: (@Sendable (IdempotentOutcome<GiftReceipt>) -> Void)? = nil)
        async throws(StoreError) -> IdempotentOutcome<GiftReceipt>
    {
        guard (1...Self.maxCount).contains(count) else { throw .invalidInput("count: between 1 and \(Self.maxCount)") }
        guard (0...100).contains(recipientSharePercent) else {
            throw .invalidInput("recipientSharePercent: between 0 and 100")
        }
        guard !idempotencyKey.isEmpty else { throw .invalidInput("idempotencyKey: empty") }
        let nowMs = now.millisecondsSince1970
        return try await commits.write(onCommit: onCommit) { db in
            let session = try SessionRepository.session(db, id: sessionId)
            // A nil recipient means the host: the same request whether the client named them or not.
            let recipient = recipientId ?? session?.hostId
            let fingerprint = "session=\(sessionId.storeKey);gift=\(giftId);recipient=\(recipient?.storeKey ?? "host");count=\(count)"
            let replay = try RawStatement(
                db, "SELECT id, fingerprint FROM gift_transactions WHERE sender_id = ? AND idempotency_key = ?")
            replay.bind(1, senderId)
            replay.bind(2, idempotencyKey)
            if let first = try replay.first({ (id: $0.text(0), fingerprint: $0.text(1)) }) {
                guard first.fingerprint == fingerprint else { throw StoreError.idempotencyConflict(key: idempotencyKey) }
                let id = try UUID.stored(first.id, column: "gift_transactions.id")
                return IdempotentOutcome(value: try Self.receipt(db, id: id), replayed: true)
            }

            guard let session else { throw StoreError.sessionNotFound(sessionId) }
            guard session.status == .live else { throw StoreError.sessionEnded(sessionId) }
            // Kicked, or not admitted to a private session: no gifts either.
            _ = try SessionRepository.admission(db, session: session, userId: senderId)
            guard let recipient else { throw StoreError.sessionNotFound(sessionId) }
            // The sender's names, coins and diamonds in one read (a gift is the hot write).
            guard let holder = try Ledger.holder(db, userId: senderId) else { throw StoreError.userNotFound(senderId) }
            let sender = holder.names
            guard recipient != senderId else { throw StoreError.cannotGiftSelf }
            // On stage: the host, or a guest whose open visit is a guest visit (accepted and
            // joined, not yet removed or gone), as SessionRepository keeps them.
            if recipient != session.hostId,
               try SessionRepository.currentVisit(db, sessionId: sessionId, userId: recipient)?.role != .guest {
                throw StoreError.recipientNotOnStage(sessionId: sessionId, userId: recipient)
            }
            guard let gift = try Self.gift(db, id: giftId) else { throw StoreError.giftNotFound(giftId) }
            guard count == 1 || gift.canCombo else { throw StoreError.giftNotComboable(giftId: giftId, count: count) }
            let total = gift.priceCoins * Int64(count)
            let available = holder.coins?.balance ?? 0
            guard let coinsAccount = holder.coins?.id, available >= total else {
                throw StoreError.insufficientCoins(needed: total, available: available)
            }
            let diamonds = total * Int64(recipientSharePercent) / 100
            let platform = total - diamonds

            let line = try ChatRepository.insert(
                db, sessionId: sessionId, hostId: session.hostId, author: sender,
                text: Self.chatText(gift: gift, count: count), kind: .gift, clientMessageId: nil, nowMs: nowMs)
            guard let payee = try Ledger.recipient(db, userId: recipient) else { throw StoreError.userNotFound(recipient) }
            let ledgerId = UUID.timeOrdered(ms: nowMs)
            try Ledger.record(
                db, transactionId: ledgerId, kind: .gift,
                legs: [(coinsAccount, -total),
                       (try payee.diamondsAccount ?? Ledger.account(db, userId: recipient, kind: .diamonds), diamonds),
                       (try Ledger.systemAccount(db, kind: .platform), platform)],
                nowMs: nowMs)
            let id = UUID.timeOrdered(ms: nowMs)
            let insert = try RawStatement(db, """
                INSERT INTO gift_transactions
                    (id, ledger_transaction_id, session_id, gift_id, sender_id, recipient_id, count,
                     unit_price_coins, total_coins, recipient_diamonds, platform_coins, idempotency_key,
                     fingerprint, chat_message_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            insert.bind(1, id)
            insert.bind(2, ledgerId)
            insert.bind(3, sessionId)
            insert.bind(4, gift.id)
            insert.bind(5, senderId)
            insert.bind(6, recipient)
            insert.bind(7, count)
            insert.bind(8, gift.priceCoins)
            insert.bind(9, total)
            insert.bind(10, diamonds)
            insert.bind(11, platform)
            insert.bind(12, idempotencyKey)
            insert.bind(13, fingerprint)
            insert.bind(14, line.id)
            insert.bind(15, nowMs)
            try insert.execute()
            // What `receipt` would read back, from what this transaction wrote: a gift is the hot
            // write, and re-reading seven rows it just wrote would be most of its cost.
            let transaction = GiftTransaction(
                id: id, ledgerTransactionId: ledgerId, sessionId: sessionId, gift: gift, senderId: senderId,
                recipientId: recipient, count: count, unitPriceCoins: gift.priceCoins, totalCoins: total,
                recipientDiamonds: diamonds, platformCoins: platform, chatMessageId: line.id,
                createdAt: Date(millisecondsSince1970: nowMs))
            // Gifting oneself is refused, so the sender's diamonds did not move.
            let balance = CoinBalance(coins: available - total, diamonds: holder.diamonds?.balance ?? 0)
            return IdempotentOutcome(
                value: GiftReceipt(transaction: transaction, balance: balance, chatLine: line, senderName: sender.displayName,
                                   recipientName: payee.displayName),
                replayed: false)
        }
    }

    /// Top gifters (coins spent) and top earners (diamonds earned), in one session or all of
    /// them, counting gifts sent at or after `since` (all time when nil). Ties go to the user id.
    /// - Parameter limit: clamped to 1...`maxLeaderboardSize`.
    public func leaderboard(sessionId: UUID? = nil, since: Date? = nil,
                            limit: Int = GiftRepository.defaultLeaderboardSize) async throws(StoreError) -> Leaderboard
    {
        let limit = min(max(limit, 1), Self.maxLeaderboardSize)
        let sinceMs = since?.millisecondsSince1970
        return try await pool.readValue { db in
            Leaderboard(
                gifters: try Self.leaders(db, side: .gifters, sessionId: sessionId, sinceMs: sinceMs, limit: limit),
                earners: try Self.leaders(db, side: .earners, sessionId: sessionId, sinceMs: sinceMs, limit: limit))
        }
    }

    // MARK: - Statements

    static func gift(_ db: Database, id: String) throws -> Gift? {
        let read = try RawStatement(
            db, "SELECT id, name, tier, price_coins, animation, can_combo, sort_order FROM gifts WHERE id = ?")
        read.bind(1, id)
        return try read.first { row in
            guard let tier = GiftTier(rawValue: row.text(2)) else { throw StoreError.corruptRow("gifts.tier") }
            return Gift(id: row.text(0), name: row.text(1), tier: tier, priceCoins: row.int64(3), animation: row.text(4),
                        canCombo: row.int64(5) != 0, sortOrder: row.int(6))
        }
    }

    private static func chatText(gift: Gift, count: Int) -> String {
        count == 1 ? "sent \(gift.name)" : "sent \(gift.name) ×\(count)"
    }

    /// A stored gift and its sender's balance right after it: what the first call answered.
    static func receipt(_ db: Database, id: UUID) throws -> GiftReceipt {
        guard let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM gift_transactions WHERE id = ?"), arguments: [id.storeKey])
        else { throw StoreError.corruptRow("gift_transactions \(id.storeKey) vanished") }
        let giftId: String = try row.decode(forColumn: "gift_id")
        guard let gift = try gift(db, id: giftId) else { throw StoreError.corruptRow("gift_transactions.gift_id") }
        let ledgerId = try UUID.stored(try row.decode(forColumn: "ledger_transaction_id"),
                                       column: "gift_transactions.ledger_transaction_id")
        let senderId = try UUID.stored(try row.decode(forColumn: "sender_id"), column: "gift_transactions.sender_id")
        let transaction = GiftTransaction(
            id: id,
            ledgerTransactionId: ledgerId,
            sessionId: try UUID.stored(try row.decode(forColumn: "session_id"), column: "gift_transactions.session_id"),
            gift: gift,
            senderId: senderId,
            recipientId: try UUID.stored(try row.decode(forColumn: "recipient_id"),
                                         column: "gift_transactions.recipient_id"),
            count: try row.decode(forColumn: "count"),
            unitPriceCoins: try row.decode(forColumn: "unit_price_coins"),
            totalCoins: try row.decode(forColumn: "total_coins"),
            recipientDiamonds: try row.decode(forColumn: "recipient_diamonds"),
            platformCoins: try row.decode(forColumn: "platform_coins"),
            chatMessageId: try row.decode(forColumn: "chat_message_id"),
            createdAt: Date(millisecondsSince1970: try row.decode(forColumn: "created_at")))
        let balance = CoinBalance(
            coins: try Ledger.balance(db, userId: senderId, kind: .coins, after: ledgerId),
            diamonds: try Ledger.balance(db, userId: senderId, kind: .diamonds, after: ledgerId))
        let line = try transaction.chatMessageId.flatMap { try ChatRepository.message(db, id: $0) }
        return GiftReceipt(transaction: transaction, balance: balance, chatLine: line,
                           senderName: try UserRepository.user(db, id: senderId)?.displayName ?? "",
                           recipientName: try UserRepository.user(db, id: transaction.recipientId)?.displayName ?? "")
    }

    enum LeaderboardSide {
        case gifters, earners
    }

    /// One side of a leaderboard. The SQL is assembled from fixed fragments only (which column,
    /// which filters), so that each shape uses its index; every value is bound.
    static func leaders(_ db: Database, side: LeaderboardSide, sessionId: UUID?, sinceMs: Int64?, limit: Int) throws
        -> [LeaderboardEntry]
    {
        let (who, amount) = switch side {
        case .gifters: ("sender_id", "total_coins")
        case .earners: ("recipient_id", "recipient_diamonds")
        }
        var filters: [String] = []
        var arguments: StatementArguments = ["limit": limit]
        if let sessionId {
            filters.append("g.session_id = :session")  // gift_transactions_by_session
            arguments += ["session": sessionId.storeKey]
        }
        if let sinceMs {
            filters.append("g.created_at >= :since")  // gift_transactions_by_time, or the session's range
            arguments += ["since": sinceMs]
        }
        let sql = """
            SELECT g.\(who) AS user_id, u.username, u.display_name, u.avatar_url,
                   SUM(g.\(amount)) AS amount, SUM(g.count) AS gifts
            FROM gift_transactions g JOIN users u ON u.id = g.\(who)
            \(filters.isEmpty ? "" : "WHERE " + filters.joined(separator: " AND "))
            GROUP BY g.\(who)
            ORDER BY amount DESC, g.\(who)
            LIMIT :limit
            """
        return try LeaderboardEntry.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }
}
