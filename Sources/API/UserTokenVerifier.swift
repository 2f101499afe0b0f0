#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import JWTKit

/// Checks user tokens: HS256 signature with our key, `kind == "user"`, claim bounds, and expiry
/// against the caller's clock.
public struct UserTokenVerifier: Sendable {
    /// Longest token accepted; real ones are ~250 bytes. Bounds the work a stranger can cause.
    public static let maxTokenLength = 4096
    public static let maxUserIDLength = 128
    public static let maxUsernameLength = 128

    private let keys: JWTKeyCollection
    private let verified: VerifiedTokenCache

    /// - Parameter cacheCapacity: verified tokens remembered (see `VerifiedTokenCache`).
    public init(key: [UInt8], cacheCapacity: Int = 10_000) async {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: key), digestAlgorithm: .sha256)
        self.keys = keys
        self.verified = VerifiedTokenCache(capacity: cacheCapacity)
    }

    /// Tokens remembered as verified (for tests and metrics).
    var cachedTokens: Int { verified.count }

    /// The user the token names, or why not.
    public func verify(_ token: String, now: Date) async throws(UserTokenError) -> AuthenticatedUser {
        guard !token.isEmpty else { throw .missing }
        guard token.utf8.count <= Self.maxTokenLength else { throw .malformed("longer than \(Self.maxTokenLength) bytes") }
        if let user = verified.user(for: token, now: now) { return user }
        let claims: UserTokenClaims
        do {
            claims = try await keys.verify(token, as: UserTokenClaims.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw .badSignature
        } catch let error as JWTError {
            throw .malformed(error.errorType.description)
        } catch {
            throw .malformed(String(describing: type(of: error)))
        }
        guard claims.kind == UserTokenClaims.userKind else { throw .wrongKind }
        let id = claims.sub.value
        guard !id.isEmpty, id.utf8.count <= Self.maxUserIDLength else { throw .malformed("bad sub") }
        guard let username = claims.username, !username.isEmpty, username.utf8.count <= Self.maxUsernameLength else {
            throw .malformed("bad username")
        }
        guard now < claims.exp.value else { throw .expired }
        let user = AuthenticatedUser(id: id, username: username)
        verified.remember(token, as: user, until: claims.exp.value)
        return user
    }

    /// The token in an `Authorization: Bearer <token>` header value; nil when there is none or
    /// the scheme is not Bearer.
    public static func bearerToken(fromAuthorization header: String?) -> String? {
        guard let header else { return nil }
        // Bytes, not Characters: counting a ~200-byte token's Characters, per request, was a
        // visible share of the API's CPU.
        let bytes = header.utf8
        var index = bytes.startIndex
        while index < bytes.endIndex, bytes[index] == UInt8(ascii: " ") { index = bytes.index(after: index) }
        for expected in "bearer ".utf8 {
            guard index < bytes.endIndex else { return nil }
            let byte = bytes[index]
            guard (byte >= 65 && byte <= 90 ? byte + 32 : byte) == expected else { return nil }
            index = bytes.index(after: index)
        }
        var end = bytes.endIndex
        func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        while index < end, isBlank(bytes[index]) { index = bytes.index(after: index) }
        while index < end, isBlank(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
        return index < end ? String(header[index..<end]) : nil
    }
}
