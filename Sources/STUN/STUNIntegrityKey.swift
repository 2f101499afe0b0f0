// The key MESSAGE-INTEGRITY is keyed with (RFC 8489 §9). ICE uses short-term credentials (the
// key is the password); the long-term form MD5(username:realm:password) is here for TURN-style
// peers and the RFC 5769 vector. The keyed HMAC state is prepared once, so each check only
// copies it instead of re-deriving the padded key.

import Crypto

/// A MESSAGE-INTEGRITY key with its HMAC-SHA1 state prepared.
public struct STUNIntegrityKey: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
    public let bytes: [UInt8]
    let keyedHMAC: HMAC<Insecure.SHA1>

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        keyedHMAC = HMAC<Insecure.SHA1>(key: SymmetricKey(data: bytes))
    }

    /// Short-term credential: the password's UTF-8 bytes. SASLprep/OpaqueString is not
    /// applied: ICE passwords are restricted to ASCII ice-chars (RFC 8839), where it is the identity.
    public static func shortTerm(password: String) -> STUNIntegrityKey {
        STUNIntegrityKey(bytes: Array(password.utf8))
    }

    /// Long-term credential: MD5(username ":" realm ":" password), strings already prepared.
    public static func longTerm(username: String, realm: String, password: String) -> STUNIntegrityKey {
        let digest = Insecure.MD5.hash(data: Array("\(username):\(realm):\(password)".utf8))
        return STUNIntegrityKey(bytes: Array(digest))
    }

    public static func == (lhs: STUNIntegrityKey, rhs: STUNIntegrityKey) -> Bool {
        lhs.bytes == rhs.bytes
    }

    /// The key is a secret: descriptions, test failure output and `dump` show only its size.
    public var description: String { "STUNIntegrityKey(\(bytes.count) bytes)" }

    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
