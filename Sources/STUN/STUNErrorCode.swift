// The ERROR-CODE attribute value (RFC 8489 §14.8): a code 300-699 and a UTF-8 reason phrase.

/// An error code with its reason phrase, e.g. 401 "Unauthorized".
public struct STUNErrorCode: Hashable, Sendable, CustomStringConvertible {
    /// 300...699: class (hundreds) times 100 plus number (0-99).
    public let code: Int
    public let reason: String

    /// Nil if `code` is outside 300...699 (the wire format cannot carry it).
    public init?(code: Int, reason: String) {
        guard (300...699).contains(code) else { return nil }
        self.code = code
        self.reason = reason
    }

    public static let tryAlternate = STUNErrorCode(uncheckedCode: 300, reason: "Try Alternate")
    public static let badRequest = STUNErrorCode(uncheckedCode: 400, reason: "Bad Request")
    public static let unauthorized = STUNErrorCode(uncheckedCode: 401, reason: "Unauthorized")
    public static let unknownAttribute = STUNErrorCode(uncheckedCode: 420, reason: "Unknown Attribute")
    public static let staleNonce = STUNErrorCode(uncheckedCode: 438, reason: "Stale Nonce")
    public static let roleConflict = STUNErrorCode(uncheckedCode: 487, reason: "Role Conflict")
    public static let serverError = STUNErrorCode(uncheckedCode: 500, reason: "Server Error")

    private init(uncheckedCode: Int, reason: String) {
        self.code = uncheckedCode
        self.reason = reason
    }

    public var description: String { "\(code) \(reason)" }
}
