/// The secret room tokens are signed and verified with (HMAC-SHA-256).
///
/// Made from the `CHOBI_JWT_SECRET` text or the key file's text: the key is the UTF-8 bytes of
/// that text, so `CHOBI_JWT_SECRET=$(cat data/jwt.key)` signs exactly like the file does.
public struct RoomTokenKey: Sendable, Equatable, CustomStringConvertible {
    /// Shorter secrets are refused: HS256 with a guessable key is no authentication at all.
    /// 32 bytes: HS256 wants a key as long as its output, and jwt-kit asserts it in debug builds.
    public static let minimumLength = 32

    public let bytes: [UInt8]

    /// Nil when the secret is shorter than `minimumLength` bytes.
    public init?(secret: String) {
        let bytes = Array(secret.utf8)
        guard bytes.count >= Self.minimumLength else { return nil }
        self.bytes = bytes
    }

    /// Never prints the key itself (it ends up in logs otherwise).
    public var description: String { "RoomTokenKey(\(bytes.count) bytes)" }
}
