import Foundation
import LoadKit
import Signaling

/// The cast of every room for the run's mode, and the gift to send: accounts and sessions through
/// the control API (with coins for the gifters), room tokens minted from the server's key, or the
/// given bearer token for plain WHIP/WHEP.
struct RoomCasting {
    let config: LoadConfiguration
    let plan: ScenarioPlan
    let runTag: String

    /// Members per room who chat: a member may send a line a second by default (`--chat-rate` of
    /// the server), so one per line a second, bounded.
    static func chatters(for rate: Double) -> Int { rate > 0 ? min(40, max(1, Int(rate.rounded(.up)))) : 0 }
    /// Members per room who send gifts: a few gifts a second each stays under the per-user limit.
    static func gifters(for rate: Double) -> Int { rate > 0 ? min(20, max(1, Int((rate / 4).rounded(.up)))) : 0 }

    func cast() async throws -> (casts: [RoomCast], giftID: String?) {
        let shape = config.shape
        switch config.mode {
        case .wish:
            let token = config.bearer ?? ""
            let cast = RoomCast(room: "", hostToken: config.bearer, guestTokens: Array(repeating: token, count: shape.guests),
                                viewerTokens: [token])
            return ([cast], nil)
        case .minted:
            let key = try JWTKeyStore(dataDirectory: config.dataDirectory).loadKey(environmentSecret: JWTKeyStore.secretFromEnvironment())
            let minting = MintedCasting(key: key, lifetime: .seconds(Int(shape.duration) + 300))
            var casts: [RoomCast] = []
            for r in 0..<shape.rooms {
                let room = shape.rooms == 1 ? config.roomPrefix : "\(config.roomPrefix)-\(r)"
                casts.append(try await minting.cast(room: room, guests: shape.guests, viewerSlots: plan.viewerSlots(room: r),
                                                    runTag: runTag))
            }
            return (casts, nil)
        case .session:
            let api = TRPCClient(base: config.base)
            let casting = SessionCasting(api: api, runTag: runTag)
            let needs = SessionCasting.Needs(guests: shape.guests, viewerAccounts: shape.viewers,
                                             chatters: Self.chatters(for: config.chatPerSecond),
                                             gifters: Self.gifters(for: config.giftsPerSecond))
            var casts: [RoomCast] = []
            var gifters: [SessionCasting.Account] = []
            for r in 0..<shape.rooms {
                let (cast, roomGifters) = try await casting.cast(roomIndex: r, needs: needs)
                casts.append(cast)
                gifters += roomGifters
            }
            guard config.giftsPerSecond > 0 else { return (casts, nil) }
            let (giftID, price) = try await cheapestGift(api)
            let perGifter = (config.giftsPerSecond * shape.duration / Double(max(1, needs.gifters))).rounded(.up) + 5
            let coins = min(10_000_000, Int64(perGifter) * price)
            let admin: CoinGrant.Admin = config.admin.map { .login(username: $0.username, password: $0.password) }
                ?? .grantInStore(databasePath: config.databasePath)
            _ = try await CoinGrant(api: api, runTag: runTag).grant(coins, to: gifters, as: admin)
            return (casts, giftID)
        }
    }

    /// The catalog's cheapest gift: the most gifts for the coins.
    private func cheapestGift(_ api: TRPCClient) async throws -> (String, Int64) {
        let catalog = try await api.query("gifts.getAvailableGifts")
        let gifts = (catalog["gifts"] as? [[String: Any]] ?? []).compactMap { gift -> (String, Int64)? in
            guard let id = gift["id"] as? String, let price = (gift["priceCoins"] as? NSNumber)?.int64Value, price > 0 else { return nil }
            return (id, price)
        }
        guard let cheapest = gifts.min(by: { $0.1 < $1.1 }) else {
            throw TRPCClient.Failure.unreadable(procedure: "gifts.getAvailableGifts", "no gift in the catalog")
        }
        return cheapest
    }
}
