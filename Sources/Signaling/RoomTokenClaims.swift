#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import JWTKit
import SFU

/// The JWT payload of a room token, as it is on the wire.
struct RoomTokenClaims: JWTPayload, Equatable {
    var sub: SubjectClaim
    var room: String
    var role: RoomRole
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    var jti: IDClaim
    /// The holder's display name, shown to others (optional: tokens from `chobi-server token` may
    /// have none).
    var name: String?

    /// Signature checking happens in jwt-kit; time and room are checked by `RoomTokenVerifier`
    /// against the caller's clock, so there is nothing to do here.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
