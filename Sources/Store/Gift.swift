import GRDB

/// How rare (and dear) a gift is; the client picks its frame and sound by it.
public enum GiftTier: String, Sendable, Codable, Equatable, CaseIterable {
    case common, rare, legendary
}

/// One gift of the catalog (`gifts.catalog`), seeded by the migration.
public struct Gift: Sendable, Codable, Equatable, Hashable, Identifiable {
    /// A stable name such as "rose", what clients send.
    public var id: String
    public var name: String
    public var tier: GiftTier
    public var priceCoins: Int64
    /// The client animation to play, e.g. "rocket-launch".
    public var animation: String
    /// Whether one request may send several (count > 1); legendary gifts go one at a time.
    public var canCombo: Bool
    /// Catalog order, ascending.
    public var sortOrder: Int

    public init(id: String, name: String, tier: GiftTier, priceCoins: Int64, animation: String, canCombo: Bool,
                sortOrder: Int) {
        self.id = id
        self.name = name
        self.tier = tier
        self.priceCoins = priceCoins
        self.animation = animation
        self.canCombo = canCombo
        self.sortOrder = sortOrder
    }
}

extension Gift: FetchableRecord, TableRecord {
    public static let databaseTableName = "gifts"

    public init(row: Row) throws {
        let tier: String = try row.decode(forColumn: "tier")
        guard let parsedTier = GiftTier(rawValue: tier) else { throw StoreError.corruptRow("gifts.tier") }
        self.init(
            id: try row.decode(forColumn: "id"),
            name: try row.decode(forColumn: "name"),
            tier: parsedTier,
            priceCoins: try row.decode(forColumn: "price_coins"),
            animation: try row.decode(forColumn: "animation"),
            canCombo: try row.decode(forColumn: "can_combo"),
            sortOrder: try row.decode(forColumn: "sort_order"))
    }
}
