import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Store

/// `chobi-server admin grant|revoke <username>`: who may call admin procedures (`gifts.addCoins`).
/// Writes the store directly, so it works with the server running or not (SQLite's WAL lets both
/// use the file).
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Grant or revoke the admin role.",
        subcommands: [Grant.self, Revoke.self])

    struct Options: ParsableArguments {
        @Option(help: "Data directory (env CHOBI_DATA_DIR).")
        var dataDir: String = Environment.string("CHOBI_DATA_DIR") ?? "./data"

        @Option(help: "SQLite database file (env CHOBI_DATABASE; default: <data-dir>/chobi.sqlite).")
        var database: String = Environment.string("CHOBI_DATABASE") ?? ""

        func setRole(_ role: UserRole, of username: String) async throws {
            let store = try Store.open(path: database.isEmpty ? dataDir + "/chobi.sqlite" : database)
            let user = try await store.users.setRole(username: username, role: role)
            print("\(user.username) (\(user.id.uuidString.lowercased())) is now \(user.role.rawValue)")
        }
    }

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a user an admin.")
        @OptionGroup var options: Options
        @Argument(help: "The user's username.") var username: String

        func run() async throws { try await options.setRole(.admin, of: username) }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make an admin a plain user again.")
        @OptionGroup var options: Options
        @Argument(help: "The user's username.") var username: String

        func run() async throws { try await options.setRole(.user, of: username) }
    }
}
