@testable import API
import Testing

/// bcrypt through the thread pool; tests use low costs so they stay fast.
@Suite struct PasswordHasherTests {
    let hasher = PasswordHasher(cost: 4)

    @Test func hashVerifiesOnlyTheSamePassword() async throws {
        let hash = try await hasher.hash("correct horse battery staple")
        #expect(hash.hasPrefix("$2b$04$"))
        #expect(hash.count == 60)
        #expect(!hash.contains("correct"))
        #expect(await hasher.verify("correct horse battery staple", against: hash))
        #expect(!(await hasher.verify("correct horse battery stapler", against: hash)))
        #expect(!(await hasher.verify("", against: hash)))
    }

    @Test func hashesAreSalted() async throws {
        let first = try await hasher.hash("same password")
        let second = try await hasher.hash("same password")
        #expect(first != second)
        #expect(await hasher.verify("same password", against: second))
    }

    @Test func unicodePasswordsRoundTrip() async throws {
        let hash = try await hasher.hash("пароль-密码-🔑")
        #expect(await hasher.verify("пароль-密码-🔑", against: hash))
        #expect(!(await hasher.verify("пароль-密码-🔐", against: hash)))
    }

    @Test func passwordsBcryptWouldTruncateAreRefused() async throws {
        await #expect(throws: PasswordHasher.Failure.containsNUL) { try await hasher.hash("abc\u{0}def") }
        await #expect(throws: PasswordHasher.Failure.tooLong) { try await hasher.hash(String(repeating: "a", count: 73)) }
        let atLimit = String(repeating: "a", count: 72)
        let hash = try await hasher.hash(atLimit)
        #expect(await hasher.verify(atLimit, against: hash))
        // bcrypt alone would accept these (it reads 72 bytes and stops at NUL).
        #expect(!(await hasher.verify(atLimit + "b", against: hash)))
        let short = try await hasher.hash("abc")
        #expect(!(await hasher.verify("abc\u{0}def", against: short)))
    }

    @Test func malformedStoredHashNeverVerifies() async {
        for stored in ["", "plain", "$2b$04$tooShort", "$2y$04$" + String(repeating: "a", count: 53), "$9b$04$" + String(repeating: "a", count: 53)] {
            #expect(!(await hasher.verify("anything", against: stored)), "\(stored)")
        }
    }

    @Test func costIsClampedToBcryptsRange() async throws {
        #expect(PasswordHasher(cost: 1).cost == 4)
        #expect(PasswordHasher(cost: 99).cost == 31)
        #expect(PasswordHasher().cost == PasswordHasher.defaultCost)
        #expect(try await PasswordHasher(cost: 2).hash("x").hasPrefix("$2b$04$"))
        #expect(!PasswordHasher().description.contains("$2b$"))
    }

    /// A login with an unknown username must cost what a wrong password costs, or response
    /// times tell which usernames exist. Checked by construction, not by a stopwatch (timings
    /// flake on a shared machine): the decoy is a real hash of the hasher's own cost, so
    /// checking against it runs the same key schedule as a real check.
    @Test(arguments: [4, 5, 10])
    func theDecoyIsARealHashOfTheSameCost(cost: Int) async throws {
        let hasher = PasswordHasher(cost: cost)
        let real = try await hasher.hash("the real password")
        #expect(hasher.decoyHash.count == 60)
        #expect(hasher.decoyHash.prefix(7) == real.prefix(7), "\(hasher.decoyHash.prefix(7)) vs \(real.prefix(7))")
        #expect(hasher.decoyHash != PasswordHasher(cost: cost).decoyHash, "a fresh random secret per hasher")
        #expect(await hasher.verify("chobi-decoy-password", against: hasher.decoyHash) == false)
    }
}
