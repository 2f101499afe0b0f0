import HummingbirdBcrypt
import NIOPosix

/// bcrypt password hashing, run on a NIO thread pool: one hash at cost 10 takes tens of
/// milliseconds, which must never block an event loop or the (two-thread) cooperative pool.
///
/// Passwords never appear in errors, logs or descriptions.
public struct PasswordHasher: Sendable, CustomStringConvertible {
    public static let defaultCost = 10
    /// bcrypt reads at most 72 bytes; longer passwords are refused rather than silently cut.
    public static let maxPasswordBytes = 72

    public enum Failure: Error, Sendable, Equatable {
        /// Longer than `maxPasswordBytes` UTF-8 bytes.
        case tooLong
        /// bcrypt's C code stops at NUL, so "a\0b" would hash as "a".
        case containsNUL
        /// The thread pool is shut down.
        case unavailable
    }

    /// log2 of bcrypt's rounds, clamped to bcrypt's 4...31.
    public let cost: Int
    private let threadPool: NIOThreadPool
    /// A well-formed hash at `cost` that no password matches: checking against it costs what a
    /// real check costs, so an unknown username answers as slowly as a wrong password.
    let decoyHash: String

    public init(cost: Int = PasswordHasher.defaultCost, threadPool: NIOThreadPool = .singleton) {
        let cost = min(max(cost, 4), 31)
        self.cost = cost
        self.threadPool = threadPool
        // A real bcrypt hash (random salt, of a random password) made at the cheapest cost, with
        // its cost field set to ours: a well-formed hash of this cost that no password matches,
        // so checking against it runs the full key schedule. Hashing at our own cost here would
        // cost as much as a login, and at cost 31 days.
        var random = SystemRandomNumberGenerator()
        let secret = (0..<4).map { _ in String(random.next(), radix: 36) }.joined(separator: "-")
        let costText = cost < 10 ? "0\(cost)" : "\(cost)"
        self.decoyHash = "$2b$\(costText)$" + Bcrypt.hash(secret, cost: 4).dropFirst(7)
    }

    public var description: String { "PasswordHasher(cost: \(cost))" }

    /// A salted bcrypt hash of `password` ("$2b$…", 60 characters).
    public func hash(_ password: String) async throws(Failure) -> String {
        try Self.check(password)
        let cost = UInt8(self.cost)
        do {
            return try await threadPool.runIfActive { Bcrypt.hash(password, cost: cost) }
        } catch {
            throw .unavailable
        }
    }

    /// Whether `password` matches `hash`. False for malformed hashes, for passwords that could
    /// never have been hashed (too long, NUL), and when the thread pool is gone; those still
    /// spend a full check, so the answer's timing says nothing.
    public func verify(_ password: String, against hash: String) async -> Bool {
        guard (try? Self.check(password)) != nil else {
            await verifyUnknownUser()
            return false
        }
        return (try? await threadPool.runIfActive { Bcrypt.verify(password, hash: hash) }) ?? false
    }

    /// Spends what `verify` spends, for a login whose username does not exist.
    public func verifyUnknownUser() async {
        let decoy = decoyHash
        _ = try? await threadPool.runIfActive { Bcrypt.verify("chobi-decoy-password", hash: decoy) }
    }

    private static func check(_ password: String) throws(Failure) {
        guard password.utf8.count <= maxPasswordBytes else { throw .tooLong }
        guard !password.utf8.contains(0) else { throw .containsNUL }
    }
}
