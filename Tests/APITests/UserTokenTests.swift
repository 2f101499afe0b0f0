@testable import API
import Foundation
import JWTKit
import TestSupport
import Testing

/// User tokens: what they carry, and every way one is refused.
@Suite struct UserTokenTests {
    let signer: UserTokenSigner
    let verifier: UserTokenVerifier

    init() async {
        signer = await UserTokenSigner(key: APIHarness.key)
        verifier = await UserTokenVerifier(key: APIHarness.key)
    }

    @Test func roundTripNamesTheUser() async throws {
        let token = try await signer.sign(APIHarness.ana, lifetime: .seconds(60), now: APIHarness.now)
        let user = try await verifier.verify(token, now: APIHarness.now.addingTimeInterval(59))
        #expect(user == APIHarness.ana)
    }

    @Test func claimsOnTheWire() async throws {
        let token = try await signer.sign(APIHarness.ana, lifetime: .seconds(60), now: APIHarness.now)
        let parts = token.split(separator: ".")
        #expect(parts.count == 3)
        let payload = try #require(base64URLDecode(String(parts[1])))
        let json = try #require(JSONValue.parse(payload))
        #expect(json["sub"]?.string == "u-1")
        #expect(json["username"]?.string == "ana")
        #expect(json["kind"]?.string == "user")
        #expect(json["iat"]?.number == 1_750_000_000)
        #expect(json["exp"]?.number == 1_750_000_060)
        // Nothing a room token verifier would read as its own.
        #expect(json["room"] == nil && json["role"] == nil)
    }

    @Test func expiresAtExp() async throws {
        let token = try await signer.sign(APIHarness.ana, lifetime: .seconds(60), now: APIHarness.now)
        await #expect(throws: UserTokenError.expired) {
            try await verifier.verify(token, now: APIHarness.now.addingTimeInterval(60))
        }
    }

    @Test func aRememberedTokenStillExpiresAtExp() async throws {
        let token = try await signer.sign(APIHarness.ana, lifetime: .seconds(60), now: APIHarness.now)
        #expect(try await verifier.verify(token, now: APIHarness.now) == APIHarness.ana)
        #expect(try await verifier.verify(token, now: APIHarness.now.addingTimeInterval(59)) == APIHarness.ana)
        await #expect(throws: UserTokenError.expired) {
            try await verifier.verify(token, now: APIHarness.now.addingTimeInterval(60))
        }
    }

    @Test func aRememberedTokenVouchesOnlyForItsOwnBytes() async throws {
        let token = try await signer.sign(APIHarness.ana, now: APIHarness.now)
        _ = try await verifier.verify(token, now: APIHarness.now)
        let parts = token.split(separator: ".").map(String.init)
        let forged = base64URLEncode(Array(#"{"sub":"u-2","username":"ben","kind":"user","iat":1750000000,"exp":1950000000}"#.utf8))
        await #expect(throws: UserTokenError.badSignature) {
            try await verifier.verify([parts[0], forged, parts[2]].joined(separator: "."), now: APIHarness.now)
        }
        var flipped = Array(token.utf8)
        flipped[flipped.count - 2] = flipped[flipped.count - 2] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        await #expect(throws: UserTokenError.self) {
            try await verifier.verify(String(decoding: flipped, as: UTF8.self), now: APIHarness.now)
        }
    }

    @Test func theCacheStaysWithinItsCapacity() async throws {
        let small = await UserTokenVerifier(key: APIHarness.key, cacheCapacity: 3)
        for index in 0..<10 {
            let user = AuthenticatedUser(id: "u-\(index)", username: "user\(index)")
            let token = try await signer.sign(user, now: APIHarness.now)
            #expect(try await small.verify(token, now: APIHarness.now) == user)
            #expect(small.cachedTokens <= 3)
        }
    }

    @Test func anotherKeyDoesNotVerify() async throws {
        let other = await UserTokenSigner(key: Array("another-secret-0123456789abcdef-0123".utf8))
        let token = try await other.sign(APIHarness.ana, now: APIHarness.now)
        await #expect(throws: UserTokenError.badSignature) { try await verifier.verify(token, now: APIHarness.now) }
    }

    @Test func tamperedPayloadDoesNotVerify() async throws {
        let token = try await signer.sign(APIHarness.ana, now: APIHarness.now)
        let parts = token.split(separator: ".").map(String.init)
        let forged = base64URLEncode(Array(#"{"sub":"u-2","username":"ben","kind":"user","iat":1750000000,"exp":1950000000}"#.utf8))
        await #expect(throws: UserTokenError.badSignature) {
            try await verifier.verify([parts[0], forged, parts[2]].joined(separator: "."), now: APIHarness.now)
        }
    }

    /// A room token (Signaling's claims: sub, room, role, exp, iat, jti) signed with the same
    /// server key must not pass as a user token.
    @Test func roomTokenWithTheSameKeyIsRefused() async throws {
        let room = try await roomShapedToken()
        await #expect(throws: UserTokenError.wrongKind) { try await verifier.verify(room, now: APIHarness.now) }
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: APIHarness.key), digestAlgorithm: .sha256)
        let otherKind = try await keys.sign(KindClaims(
            sub: .init(value: "u-1"), username: "ana", kind: "room",
            exp: .init(value: APIHarness.now.addingTimeInterval(600)), iat: .init(value: APIHarness.now)))
        await #expect(throws: UserTokenError.wrongKind) { try await verifier.verify(otherKind, now: APIHarness.now) }
    }

    @Test func unsignedAlgNoneTokenIsRefused() async throws {
        let header = base64URLEncode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8))
        let payload = base64URLEncode(Array(#"{"sub":"u-1","username":"ana","kind":"user","iat":1750000000,"exp":1950000000}"#.utf8))
        await #expect(throws: UserTokenError.self) { try await verifier.verify("\(header).\(payload).", now: APIHarness.now) }
        await #expect(throws: UserTokenError.self) { try await verifier.verify("\(header).\(payload)", now: APIHarness.now) }
    }

    @Test func garbageAndOversizedTokensAreMalformed() async throws {
        for token in ["abc", "a.b.c", String(repeating: "x", count: 5000)] {
            await #expect(throws: UserTokenError.self) { try await verifier.verify(token, now: APIHarness.now) }
        }
        await #expect(throws: UserTokenError.missing) { try await verifier.verify("", now: APIHarness.now) }
    }

    @Test func signingRefusesBadClaims() async throws {
        await #expect(throws: UserTokenError.self) {
            try await signer.sign(AuthenticatedUser(id: "", username: "ana"), now: APIHarness.now)
        }
        await #expect(throws: UserTokenError.self) {
            try await signer.sign(APIHarness.ana, lifetime: .milliseconds(500), now: APIHarness.now)
        }
    }

    @Test(arguments: [
        ("Bearer abc.def", "abc.def"), ("bearer abc", "abc"), ("BEARER   abc  ", "abc"),
        ("Basic dXNlcjpwYXNz", nil), ("Bearer", nil), ("Bearer    ", nil), ("", nil),
        ("  Bearer tök\u{E9}n\t", "tök\u{E9}n"), ("Bearer\tabc", nil), ("Bearerabc", nil), ("Bearér abc", nil),
    ] as [(String, String?)])
    func bearerHeaderParsing(header: String, token: String?) {
        #expect(UserTokenVerifier.bearerToken(fromAuthorization: header) == token)
    }

    @Test("hostile Authorization values (any bytes, invalid UTF-8 repaired): a token only after the scheme, never blank-edged")
    func hostileBearerHeaders() {
        let seeds = ["Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln", "  bEaReR  tök\u{E9}n 🎉\t", "Basic dXNlcjpwYXNz"].map { Array($0.utf8) }
        var found = 0
        for hostile in HostileInput(seeds: seeds, count: 5_000, seed: 0xBEA) {
            let header = String(decoding: hostile.bytes, as: UTF8.self)
            guard let token = UserTokenVerifier.bearerToken(fromAuthorization: header) else { continue }
            found += 1
            let afterSpaces = header.utf8.drop(while: { $0 == UInt8(ascii: " ") })
            #expect(String(decoding: afterSpaces.prefix(7), as: UTF8.self).lowercased() == "bearer ", "case \(hostile.index)")
            #expect(!token.isEmpty && header.contains(token), "case \(hostile.index)")
            for edge in [token.utf8.first, token.utf8.last] {
                #expect(edge != UInt8(ascii: " ") && edge != UInt8(ascii: "\t"), "case \(hostile.index)")
            }
        }
        #expect(found > 100, "enough cases kept a token for the checks to run")
    }
}

/// A room token as Signaling mints it (sub, room, role, exp, iat, jti), with the API's key.
func roomShapedToken() async throws -> String {
    let keys = JWTKeyCollection()
    await keys.add(hmac: HMACKey(from: APIHarness.key), digestAlgorithm: .sha256)
    return try await keys.sign(RoomShapedClaims(
        sub: .init(value: "u-1"), room: "lobby", role: "host",
        exp: .init(value: APIHarness.now.addingTimeInterval(600)), iat: .init(value: APIHarness.now),
        jti: .init(value: "abc")))
}

struct RoomShapedClaims: JWTPayload {
    var sub: SubjectClaim
    var room: String
    var role: String
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    var jti: IDClaim
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

struct KindClaims: JWTPayload {
    var sub: SubjectClaim
    var username: String
    var kind: String
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

func base64URLEncode(_ bytes: [UInt8]) -> String {
    Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
        .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
}

func base64URLDecode(_ text: String) -> [UInt8]? {
    var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while base64.count % 4 != 0 { base64 += "=" }
    return Data(base64Encoded: base64).map { Array($0) }
}
