#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import JWTKit
import SFU

/// Mints room tokens (HS256 JWT with `sub`, `room`, `role`, `exp`, `iat`, `jti`).
public struct RoomTokenSigner: Sendable {
    /// Why a token could not be minted.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The user is empty or longer than `RoomTokenVerifier.maxUserLength` bytes.
        case invalidUser
        /// The room breaks `RoomName.isValid`.
        case invalidRoom
        /// The lifetime is not positive whole seconds.
        case invalidLifetime
        case signingFailed(String)

        public var description: String {
            switch self {
            case .invalidUser: "the user must be 1-\(RoomTokenVerifier.maxUserLength) bytes"
            case .invalidRoom: "the room must be 1-\(RoomName.maxLength) characters of A-Z a-z 0-9 . _ ~ -"
            case .invalidLifetime: "the lifetime must be at least one second"
            case .signingFailed(let reason): "signing failed: \(reason)"
            }
        }
    }

    private let keys: JWTKeyCollection

    public init(key: RoomTokenKey) async {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: key.bytes), digestAlgorithm: .sha256)
        self.keys = keys
    }

    /// A token for `user` in `room` as `role`, valid from `now` for `lifetime` (whole seconds;
    /// JWT times are seconds since 1970). `id` defaults to 128 random bits. `name`, the display
    /// name others see, is cut to `RoomTokenVerifier.maxNameLength` bytes; empty means none.
    public func sign(user: String, room: String, role: RoomRole, lifetime: Duration, now: Date,
                     id: String? = nil, name: String? = nil) async throws(Failure) -> String {
        guard !user.isEmpty, user.utf8.count <= RoomTokenVerifier.maxUserLength else { throw .invalidUser }
        guard RoomName.isValid(room) else { throw .invalidRoom }
        let seconds = lifetime.components.seconds
        guard seconds > 0 else { throw .invalidLifetime }
        let issued = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let claims = RoomTokenClaims(
            sub: SubjectClaim(value: user), room: room, role: role,
            exp: ExpirationClaim(value: issued.addingTimeInterval(Double(seconds))),
            iat: IssuedAtClaim(value: issued), jti: IDClaim(value: id ?? RandomIdentifier.hex()),
            name: name.flatMap(Self.boundedName))
        do {
            return try await keys.sign(claims)
        } catch {
            throw .signingFailed(String(describing: error))
        }
    }

    /// At most `maxNameLength` UTF-8 bytes, cut at a character boundary; nil when empty.
    static func boundedName(_ name: String) -> String? {
        var bounded = ""
        var bytes = 0
        for character in name {
            bytes += character.utf8.count
            guard bytes <= RoomTokenVerifier.maxNameLength else { break }
            bounded.append(character)
        }
        return bounded.isEmpty ? nil : bounded
    }
}
