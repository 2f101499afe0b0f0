import Foundation

/// What login needs: the user and their stored password hash. Its description hides the hash, so
/// logging one by mistake leaks nothing.
public struct UserCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public var user: User
    /// The hash as the caller stored it (e.g. a bcrypt string); the store never inspects it.
    public var passwordHash: String

    public init(user: User, passwordHash: String) {
        self.user = user
        self.passwordHash = passwordHash
    }

    public var description: String { "UserCredentials(user: \(user.username), passwordHash: <redacted>)" }
    public var debugDescription: String { description }
}
