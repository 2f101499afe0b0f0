/// What a user holds: coins to spend on gifts, diamonds earned from gifts received.
public struct CoinBalance: Sendable, Codable, Equatable, Hashable {
    public var coins: Int64
    public var diamonds: Int64

    public init(coins: Int64, diamonds: Int64) {
        self.coins = coins
        self.diamonds = diamonds
    }
}
