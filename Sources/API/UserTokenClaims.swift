#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import JWTKit

/// The JWT payload of a user token, as it is on the wire.
///
/// `kind` is what keeps token types apart: room tokens (Signaling) carry `room`, `role` and
/// `jti` and no `kind`, so neither verifier accepts the other's tokens even though both are
/// signed with the same server key.
struct UserTokenClaims: JWTPayload, Equatable {
    static let userKind = "user"

    var sub: SubjectClaim
    // Optional only so that any well-signed JWT decodes and is then refused as `.wrongKind`
    // by the verifier; every token we sign has both.
    var username: String?
    var kind: String?
    var exp: ExpirationClaim
    var iat: IssuedAtClaim

    /// jwt-kit checks the signature; expiry and kind are checked by `UserTokenVerifier` against
    /// the caller's clock, so there is nothing to do here.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
