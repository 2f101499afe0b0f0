#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import JWTKit
import SFU

/// Checks room tokens: signature (HS256 with our key), claims, expiry against the caller's clock,
/// and, when asked, the room.
public struct RoomTokenVerifier: Sendable {
    /// Longest token accepted; real ones are ~300 bytes. Bounds the work a stranger can cause.
    public static let maxTokenLength = 4096
    /// Longest `sub` accepted.
    public static let maxUserLength = 256
    /// Longest display name a token may carry, in UTF-8 bytes.
    public static let maxNameLength = 256
    /// Longest `jti` accepted.
    public static let maxIDLength = 128

    private let keys: JWTKeyCollection

    public init(key: RoomTokenKey) async {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: key.bytes), digestAlgorithm: .sha256)
        self.keys = keys
    }

    /// The verified token, or why not. `room` nil accepts any room (the WebSocket learns the room
    /// from the token); otherwise a token for another room is `.wrongRoom`.
    public func verify(_ token: String?, room: String?, now: Date) async throws(RoomTokenError) -> RoomToken {
        guard let token, !token.isEmpty else { throw .missing }
        guard token.utf8.count <= Self.maxTokenLength else { throw .malformed("token longer than \(Self.maxTokenLength) bytes") }
        let claims: RoomTokenClaims
        do {
            claims = try await keys.verify(token, as: RoomTokenClaims.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw .badSignature
        } catch let error as JWTError {
            throw .malformed(error.reason ?? error.errorType.description)
        } catch {
            // Base64 and JSON failures surface as their own error types.
            throw .malformed(String(describing: type(of: error)))
        }
        let user = claims.sub.value
        guard !user.isEmpty, user.utf8.count <= Self.maxUserLength else { throw .malformed("bad sub") }
        guard RoomName.isValid(claims.room) else { throw .malformed("bad room") }
        guard !claims.jti.value.isEmpty, claims.jti.value.utf8.count <= Self.maxIDLength else { throw .malformed("bad jti") }
        if let name = claims.name, name.isEmpty || name.utf8.count > Self.maxNameLength { throw .malformed("bad name") }
        guard now < claims.exp.value else { throw .expired }
        if let room, room != claims.room { throw .wrongRoom(expected: room, actual: claims.room) }
        return RoomToken(user: user, room: claims.room, role: claims.role,
                         issuedAt: claims.iat.value, expiresAt: claims.exp.value, id: claims.jti.value, name: claims.name)
    }
}
