#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import JWTKit

/// Mints user tokens: HS256 JWTs with `sub` (user id), `username`, `kind: "user"`, `exp`, `iat`.
public struct UserTokenSigner: Sendable {
    /// How long a login lasts unless the caller says otherwise.
    public static let defaultLifetime: Duration = .seconds(7 * 24 * 3600)

    private let keys: JWTKeyCollection

    /// `key`: the server's HMAC secret (the bytes of Signaling's `RoomTokenKey`), at least 16 bytes.
    public init(key: [UInt8]) async {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: key), digestAlgorithm: .sha256)
        self.keys = keys
    }

    /// A token for `user`, valid from `now` for `lifetime` (whole seconds: JWT times are
    /// seconds since 1970).
    public func sign(_ user: AuthenticatedUser, lifetime: Duration = defaultLifetime, now: Date) async throws(UserTokenError) -> String {
        guard !user.id.isEmpty, user.id.utf8.count <= UserTokenVerifier.maxUserIDLength else {
            throw .invalidClaims("user id must be 1-\(UserTokenVerifier.maxUserIDLength) bytes")
        }
        guard !user.username.isEmpty, user.username.utf8.count <= UserTokenVerifier.maxUsernameLength else {
            throw .invalidClaims("username must be 1-\(UserTokenVerifier.maxUsernameLength) bytes")
        }
        let seconds = lifetime.components.seconds
        guard seconds > 0 else { throw .invalidClaims("lifetime must be at least one second") }
        let issued = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let claims = UserTokenClaims(
            sub: SubjectClaim(value: user.id), username: user.username, kind: UserTokenClaims.userKind,
            exp: ExpirationClaim(value: issued.addingTimeInterval(Double(seconds))),
            iat: IssuedAtClaim(value: issued))
        do {
            return try await keys.sign(claims)
        } catch {
            throw .signingFailed(String(describing: error))
        }
    }
}
