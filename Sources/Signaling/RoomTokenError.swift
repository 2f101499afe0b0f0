/// Why a room token was refused. HTTP maps all but `wrongRoom` to 401, `wrongRoom` to 403.
public enum RoomTokenError: Error, Sendable, Equatable {
    /// No token was presented.
    case missing
    /// Not a compact JWT, or its claims are missing, mistyped or out of range.
    case malformed(String)
    /// The signature does not match our key (forged, tampered with, or another server's).
    case badSignature
    /// `exp` is at or before now.
    case expired
    /// A valid token, but for another room.
    case wrongRoom(expected: String, actual: String)
}
