// ICE username fragment and password (RFC 8445 §5.3, RFC 8839 §5.4). The ufrag names the
// session in every check's USERNAME; the password keys MESSAGE-INTEGRITY.

import STUN

/// A validated ufrag/password pair.
public struct ICECredentials: Hashable, Sendable, CustomStringConvertible, CustomReflectable {
    public let ufrag: String
    public let password: String

    /// ice-char = ALPHA / DIGIT / "+" / "/".
    static let iceChars = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    /// Lengths we generate: 8 chars (48 bits) keeps ufrags unique among pending peers; 24 chars
    /// (144 bits) exceeds the 128 bits of randomness RFC 8445 §5.3 asks of the password.
    static let generatedUfragLength = 8
    static let generatedPasswordLength = 24

    public init(ufrag: String, password: String) throws(ICEError) {
        guard (4...256).contains(ufrag.utf8.count), Self.isIceChars(ufrag) else { throw .invalidUfrag(ufrag) }
        guard (22...256).contains(password.utf8.count), Self.isIceChars(password) else {
            throw .invalidPassword(length: password.utf8.count)
        }
        self.ufrag = ufrag
        self.password = password
    }

    /// Fresh random credentials from `generator` (tests pass a seeded one).
    public static func random(using generator: inout some RandomNumberGenerator) -> ICECredentials {
        func draw(_ count: Int) -> String {
            // 64 symbols divide 2^64 evenly, so `% 64` is unbiased.
            String(decoding: (0..<count).map { _ in iceChars[Int(generator.next() % 64)] }, as: UTF8.self)
        }
        let ufrag = draw(generatedUfragLength)
        let password = draw(generatedPasswordLength)
        // Both strings come from the ice-char alphabet at valid lengths, so init cannot fail;
        // build directly rather than through the validating init.
        return ICECredentials(validatedUfrag: ufrag, password: password)
    }

    /// Fresh random credentials from the system generator.
    public static func random() -> ICECredentials {
        var system = SystemRandomNumberGenerator()
        return random(using: &system)
    }

    private init(validatedUfrag: String, password: String) {
        self.ufrag = validatedUfrag
        self.password = password
    }

    static func isIceChars(_ text: String) -> Bool {
        text.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/")
        }
    }

    /// The key for MESSAGE-INTEGRITY with this password.
    var integrityKey: STUNIntegrityKey { .shortTerm(password: password) }

    /// Only the ufrag: the password is a secret and must not end up in logs.
    public var description: String { "ICECredentials(ufrag: \(ufrag))" }

    public var customMirror: Mirror { Mirror(self, children: ["ufrag": ufrag], displayStyle: .struct) }
}
