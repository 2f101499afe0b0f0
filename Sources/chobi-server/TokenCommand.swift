import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SFU
import Signaling

/// `chobi-server token`: mints a room token for development and tests, signed with the same key
/// `serve` verifies with (`CHOBI_JWT_SECRET`, else `<data-dir>/jwt.key`, created on first use).
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Print a room token (JWT) for a user, a room and a role.")

    @Option(help: "Room name (A-Z a-z 0-9 . _ ~ -, at most 128 characters).")
    var room: String

    @Option(help: "User id (the token's subject).")
    var user: String

    @Option(help: "Role: host, guest or viewer.")
    var role: String

    @Option(help: "Lifetime in seconds.")
    var ttl: Int = 12 * 3600

    @Option(help: "Display name others see (optional).")
    var name: String = ""

    @Option(help: "Data directory holding jwt.key (env CHOBI_DATA_DIR).")
    var dataDir: String = Environment.string("CHOBI_DATA_DIR") ?? "./data"

    func validate() throws {
        guard RoomRole(rawValue: role) != nil else {
            throw ValidationError("--role must be one of: \(RoomRole.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard RoomName.isValid(room) else {
            throw ValidationError("--room must be 1-\(RoomName.maxLength) characters of A-Z a-z 0-9 . _ ~ -")
        }
        guard !user.isEmpty else { throw ValidationError("--user must not be empty") }
        guard ttl > 0 else { throw ValidationError("--ttl must be a positive number of seconds") }
    }

    func run() async throws {
        guard let role = RoomRole(rawValue: role) else { throw ValidationError("bad --role") }
        let key = try JWTKeyStore(dataDirectory: dataDir).loadKey(environmentSecret: JWTKeyStore.secretFromEnvironment())
        let signer = await RoomTokenSigner(key: key)
        let token = try await signer.sign(user: user, room: room, role: role, lifetime: .seconds(ttl), now: Date(),
                                          name: name.isEmpty ? nil : name)
        print(token)
    }
}
