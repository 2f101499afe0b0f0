/// Why a user token was refused or could not be made.
public enum UserTokenError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No token, or an `Authorization` header that is not `Bearer <token>`.
    case missing
    /// Not a JWT we can read, or a claim out of bounds.
    case malformed(String)
    case badSignature
    case expired
    /// A valid JWT of another kind (a room token, say).
    case wrongKind
    /// Signing only: user id or username empty or too long, or a lifetime under a second.
    case invalidClaims(String)
    case signingFailed(String)

    public var description: String {
        switch self {
        case .missing: "missing token"
        case .malformed(let reason): "malformed token: \(reason)"
        case .badSignature: "token signature does not verify"
        case .expired: "token expired"
        case .wrongKind: "not a user token"
        case .invalidClaims(let reason): "invalid claims: \(reason)"
        case .signingFailed(let reason): "signing failed: \(reason)"
        }
    }
}
