// Credential rules (RFC 8839 §5.4) and generation.

import ICE
import TestSupport
import Testing

@Suite("ICE credentials")
struct ICECredentialsTests {
    @Test("generated credentials are valid ice-chars of the generated lengths, and seeded generation repeats")
    func generation() throws {
        var a = SeededGenerator(seed: 7)
        var b = SeededGenerator(seed: 7)
        let first = ICECredentials.random(using: &a)
        #expect(first == ICECredentials.random(using: &b))
        #expect(first.ufrag.utf8.count == 8)
        #expect(first.password.utf8.count == 24)
        // The validating init accepts what the generator makes.
        #expect(try ICECredentials(ufrag: first.ufrag, password: first.password) == first)
        #expect(ICECredentials.random() != ICECredentials.random())
    }

    @Test("generation uses the whole ice-char alphabet, including + and /")
    func alphabet() {
        var rng = SeededGenerator(seed: 99)
        var seen = Set<Character>()
        for _ in 0..<200 { seen.formUnion(ICECredentials.random(using: &rng).password) }
        #expect(seen.count == 64)
    }

    @Test("ufrag of 4-256 ice-chars and password of 22-256 are accepted; anything else is refused")
    func validation() throws {
        let password = String(repeating: "p", count: 22)
        _ = try ICECredentials(ufrag: "abcd", password: password)
        _ = try ICECredentials(ufrag: String(repeating: "u", count: 256), password: String(repeating: "+", count: 256))
        #expect(throws: ICEError.invalidUfrag("abc")) { try ICECredentials(ufrag: "abc", password: password) }
        #expect(throws: ICEError.invalidUfrag("ab:cd")) { try ICECredentials(ufrag: "ab:cd", password: password) }
        #expect(throws: ICEError.invalidUfrag("abcdé")) { try ICECredentials(ufrag: "abcdé", password: password) }
        #expect(throws: ICEError.invalidPassword(length: 21)) {
            try ICECredentials(ufrag: "abcd", password: String(repeating: "p", count: 21))
        }
        #expect(throws: ICEError.invalidPassword(length: 22)) {
            try ICECredentials(ufrag: "abcd", password: String(repeating: "p", count: 21) + "-")
        }
    }

    @Test("the description never shows the password")
    func descriptionHidesPassword() throws {
        let credentials = try ICECredentials(ufrag: "abcd", password: "secretsecretsecretsecret")
        #expect(!"\(credentials)".contains("secret"))
        #expect("\(credentials)".contains("abcd"))
        var dumped = ""
        dump(credentials, to: &dumped)
        #expect(!dumped.contains("secret"))
        #expect(dumped.contains("abcd"))
    }
}
