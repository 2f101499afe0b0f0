import Foundation
import Store

/// Coins for the members who send gifts, through `gifts.addCoins`, which only an admin may call
/// (docs/api.md). Two honest ways to be one:
/// - `--admin-user`/`--admin-password`: log in as an admin the operator made with
///   `chobi-server admin grant` (works against any reachable server);
/// - otherwise the tool registers a "bank" account of its own, makes it an admin in the server's
///   store exactly as `chobi-server admin grant` does (same file, `--data-dir`/chobi.sqlite or
///   `--database`; the server may run, SQLite's WAL lets both write), grants the coins over the
///   API, and takes the role back at once.
/// A user token minted from the key would not do: admin is a role in the store, not a claim.
struct CoinGrant {
    let api: TRPCClient
    let runTag: String

    enum Failure: Error, CustomStringConvertible {
        case noDatabase(String)
        var description: String {
            switch self {
            case .noDatabase(let path):
                "no server database at \(path): pass --data-dir (or --database) of the server, or --admin-user/--admin-password"
            }
        }
    }

    enum Admin {
        case login(username: String, password: String)
        case grantInStore(databasePath: String)
    }

    /// Grants `coins` to each account; returns how many grants were made.
    func grant(_ coins: Int64, to accounts: [SessionCasting.Account], as admin: Admin) async throws -> Int {
        guard !accounts.isEmpty else { return 0 }
        let adminToken: String
        var revoke: (() async -> Void)?
        switch admin {
        case let .login(username, password):
            let answer = try await api.mutate("users.login", ["username": username, "password": password])
            adminToken = try field(answer, "token")
        case .grantInStore(let path):
            guard FileManager.default.fileExists(atPath: path) else { throw Failure.noDatabase(path) }
            let bank = try await SessionCasting(api: api, runTag: runTag).register("lbank\(runTag)", display: "chobi-load bank")
            let store = try Store.open(path: path, checkpointInterval: nil)
            _ = try await store.users.setRole(username: bank.username, role: .admin)
            adminToken = bank.token
            revoke = { _ = try? await store.users.setRole(username: bank.username, role: .user) }
        }
        var granted = 0
        do {
            for account in accounts {
                _ = try await api.authorized(adminToken).mutate("gifts.addCoins", [
                    "userId": account.id, "amount": coins, "idempotencyKey": "chobi-load-\(runTag)-\(account.id)",
                ])
                granted += 1
            }
        } catch {
            await revoke?()
            throw error
        }
        await revoke?()
        return granted
    }
}
