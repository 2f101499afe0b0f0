import Foundation
import JWTKit
import SFU
import Testing
@testable import Signaling

@Suite struct RoomTokenTests {
    let now = SignalingHarness.now

    private func signer(_ key: RoomTokenKey = SignalingHarness.key) async -> RoomTokenSigner { await RoomTokenSigner(key: key) }
    private func verifier(_ key: RoomTokenKey = SignalingHarness.key) async -> RoomTokenVerifier { await RoomTokenVerifier(key: key) }

    @Test func signedTokenVerifiesWithItsClaims() async throws {
        let token = try await signer().sign(user: "alice", room: "studio", role: .guest, lifetime: .seconds(600), now: now, id: "t1")
        let verified = try await verifier().verify(token, room: "studio", now: now)
        #expect(verified == RoomToken(user: "alice", room: "studio", role: .guest, issuedAt: now,
                                      expiresAt: now.addingTimeInterval(600), id: "t1"))
    }

    @Test func claimsAreTheDocumentedJWTFields() async throws {
        let token = try await signer().sign(user: "bob", room: "r-1", role: .viewer, lifetime: .seconds(60), now: now, id: "abc")
        let parts = token.split(separator: ".")
        #expect(parts.count == 3)
        let payload = try #require(Self.base64URLDecode(String(parts[1])))
        let json = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
        #expect(json["sub"] as? String == "bob")
        #expect(json["room"] as? String == "r-1")
        #expect(json["role"] as? String == "viewer")
        #expect(json["jti"] as? String == "abc")
        #expect((json["iat"] as? NSNumber)?.doubleValue == now.timeIntervalSince1970)
        #expect((json["exp"] as? NSNumber)?.doubleValue == now.timeIntervalSince1970 + 60)
        let header = try #require(Self.base64URLDecode(String(parts[0])))
        let headerJSON = try #require(try JSONSerialization.jsonObject(with: header) as? [String: Any])
        #expect(headerJSON["alg"] as? String == "HS256")
    }

    @Test func randomTokenIDsDiffer() async throws {
        let s = await signer()
        let a = try await verifier().verify(try await s.sign(user: "u", room: "r", role: .host, lifetime: .seconds(9), now: now), room: nil, now: now)
        let b = try await verifier().verify(try await s.sign(user: "u", room: "r", role: .host, lifetime: .seconds(9), now: now), room: nil, now: now)
        #expect(a.id != b.id)
        #expect(a.id.count == 32)
    }

    @Test func expiresExactlyAtExp() async throws {
        let token = try await signer().sign(user: "alice", room: "studio", role: .host, lifetime: .seconds(60), now: now)
        let v = await verifier()
        _ = try await v.verify(token, room: "studio", now: now.addingTimeInterval(59.9))
        await #expect(throws: RoomTokenError.expired) { try await v.verify(token, room: "studio", now: now.addingTimeInterval(60)) }
        await #expect(throws: RoomTokenError.expired) { try await v.verify(token, room: "studio", now: now.addingTimeInterval(86_400)) }
    }

    @Test func wrongRoomIsRefusedAndNilRoomAcceptsAny() async throws {
        let token = try await signer().sign(user: "alice", room: "studio", role: .host, lifetime: .seconds(60), now: now)
        let v = await verifier()
        await #expect(throws: RoomTokenError.wrongRoom(expected: "other", actual: "studio")) {
            try await v.verify(token, room: "other", now: now)
        }
        #expect(try await v.verify(token, room: nil, now: now).room == "studio")
    }

    @Test func anotherKeysTokenHasABadSignature() async throws {
        let foreign = try await signer(SignalingHarness.otherKey).sign(user: "alice", room: "studio", role: .host, lifetime: .seconds(60), now: now)
        await #expect(throws: RoomTokenError.badSignature) { try await verifier().verify(foreign, room: "studio", now: now) }
    }

    @Test func tamperedPayloadHasABadSignature() async throws {
        let token = try await signer().sign(user: "mallory", room: "studio", role: .viewer, lifetime: .seconds(60), now: now)
        var parts = token.split(separator: ".").map(String.init)
        let payload = try #require(Self.base64URLDecode(parts[1]))
        let promoted = String(decoding: payload, as: UTF8.self).replacingOccurrences(of: "\"viewer\"", with: "\"host\"")
        #expect(promoted.contains("\"host\""))
        parts[1] = Self.base64URLEncode(Data(promoted.utf8))
        await #expect(throws: RoomTokenError.badSignature) {
            try await verifier().verify(parts.joined(separator: "."), room: "studio", now: now)
        }
    }

    @Test func unsignedAlgNoneTokenIsRefused() async throws {
        let header = Self.base64URLEncode(Data(#"{"alg":"none","typ":"JWT"}"#.utf8))
        let payload = Self.base64URLEncode(Data(#"{"sub":"eve","room":"studio","role":"host","exp":4102444800,"iat":0,"jti":"x"}"#.utf8))
        await #expect(throws: RoomTokenError.badSignature) {
            try await verifier().verify("\(header).\(payload).", room: "studio", now: now)
        }
    }

    @Test func missingAndMalformedTokens() async throws {
        let v = await verifier()
        await #expect(throws: RoomTokenError.missing) { try await v.verify(nil, room: nil, now: now) }
        await #expect(throws: RoomTokenError.missing) { try await v.verify("", room: nil, now: now) }
        for garbage in ["abc", "a.b", "a.b.c.d", "....", "eyJ.eyJ.sig", String(repeating: "a", count: 5000)] {
            do {
                _ = try await v.verify(garbage, room: nil, now: now)
                Issue.record("accepted \(garbage.prefix(20))")
            } catch {
                guard case .malformed = error else {
                    Issue.record("\(garbage.prefix(20)) gave \(error), not malformed")
                    continue
                }
            }
        }
    }

    @Test func correctlySignedTokenWithUnknownRoleIsMalformed() async throws {
        struct LooseClaims: JWTPayload {
            var sub: SubjectClaim
            var room: String
            var role: String
            var exp: ExpirationClaim
            var iat: IssuedAtClaim
            var jti: IDClaim
            func verify(using algorithm: some JWTAlgorithm) async throws {}
        }
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: SignalingHarness.key.bytes), digestAlgorithm: .sha256)
        func make(room: String, role: String, sub: String = "u") async throws -> String {
            try await keys.sign(LooseClaims(sub: .init(value: sub), room: room, role: role,
                                            exp: .init(value: now.addingTimeInterval(60)), iat: .init(value: now), jti: .init(value: "j")))
        }
        let v = await verifier()
        // The same signing path with sane claims verifies, so the failures below are the claims'.
        #expect(try await v.verify(try await make(room: "studio", role: "guest"), room: nil, now: now).role == .guest)
        for token in [try await make(room: "studio", role: "admin"), try await make(room: "bad room/../x", role: "host"),
                      try await make(room: "studio", role: "host", sub: "")] {
            await #expect(throws: RoomTokenError.self) { try await v.verify(token, room: nil, now: now) }
            do { _ = try await v.verify(token, room: nil, now: now) } catch {
                guard case .malformed = error else { Issue.record("expected malformed, got \(error)"); continue }
            }
        }
    }

    @Test func theDisplayNameTravelsInTheTokenBoundedAndOptional() async throws {
        let s = await signer(), v = await verifier()
        let named = try await s.sign(user: "u-1", room: "r", role: .viewer, lifetime: .seconds(60), now: now, name: "Zoë 🎤")
        #expect(try await v.verify(named, room: "r", now: now).name == "Zoë 🎤")
        let unnamed = try await s.sign(user: "u-1", room: "r", role: .viewer, lifetime: .seconds(60), now: now, name: "")
        #expect(try await v.verify(unnamed, room: "r", now: now).name == nil)
        let payload = try #require(Self.base64URLDecode(String(unnamed.split(separator: ".")[1])))
        #expect(!String(decoding: payload, as: UTF8.self).contains("name"), "no name claim when there is none")
        // A long name is cut at a character boundary to the verifier's bound, so it still verifies.
        let long = String(repeating: "é", count: 300)
        let cut = try await v.verify(try await s.sign(user: "u", room: "r", role: .host, lifetime: .seconds(9), now: now,
                                                      name: long), room: nil, now: now).name
        #expect(cut?.utf8.count == RoomTokenVerifier.maxNameLength && cut?.allSatisfy { $0 == "é" } == true)
    }

    @Test func aSignedTokenWithAnOversizedOrEmptyNameIsMalformed() async throws {
        struct NamedClaims: JWTPayload {
            var sub: SubjectClaim
            var room: String
            var role: String
            var exp: ExpirationClaim
            var iat: IssuedAtClaim
            var jti: IDClaim
            var name: String
            func verify(using algorithm: some JWTAlgorithm) async throws {}
        }
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: SignalingHarness.key.bytes), digestAlgorithm: .sha256)
        let v = await verifier()
        for name in ["", String(repeating: "x", count: RoomTokenVerifier.maxNameLength + 1)] {
            let token = try await keys.sign(NamedClaims(sub: .init(value: "u"), room: "r", role: "viewer",
                                                        exp: .init(value: now.addingTimeInterval(60)), iat: .init(value: now),
                                                        jti: .init(value: "j"), name: name))
            do {
                _ = try await v.verify(token, room: nil, now: now)
                Issue.record("a name of \(name.utf8.count) bytes verified")
            } catch {
                guard case .malformed = error else { Issue.record("expected malformed, got \(error)"); continue }
            }
        }
    }

    @Test func signerRefusesBadClaims() async throws {
        let s = await signer()
        await #expect(throws: RoomTokenSigner.Failure.invalidRoom) { try await s.sign(user: "u", room: "a b", role: .host, lifetime: .seconds(1), now: now) }
        await #expect(throws: RoomTokenSigner.Failure.invalidRoom) { try await s.sign(user: "u", room: "", role: .host, lifetime: .seconds(1), now: now) }
        await #expect(throws: RoomTokenSigner.Failure.invalidUser) { try await s.sign(user: "", room: "r", role: .host, lifetime: .seconds(1), now: now) }
        await #expect(throws: RoomTokenSigner.Failure.invalidLifetime) { try await s.sign(user: "u", room: "r", role: .host, lifetime: .zero, now: now) }
    }

    @Test func roomNameRule() {
        #expect(RoomName.isValid("studio-1_A.b~c"))
        #expect(RoomName.isValid(String(repeating: "r", count: 128)))
        #expect(!RoomName.isValid(String(repeating: "r", count: 129)))
        for bad in ["", "a b", "a/b", "a%20", "ä", "a?b", "a#b"] { #expect(!RoomName.isValid(bad), "\(bad)") }
    }

    @Test func keyRefusesShortSecretsAndHidesItself() throws {
        #expect(RoomTokenKey(secret: "short") == nil)
        #expect(RoomTokenKey(secret: String(repeating: "k", count: 31)) == nil, "HS256 wants 32 bytes")
        let key = try #require(RoomTokenKey(secret: "0123456789abcdef0123456789abcdef"))
        #expect(!key.description.contains("0123"))
    }

    static func base64URLDecode(_ text: String) -> Data? {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s)
    }

    static func base64URLEncode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
