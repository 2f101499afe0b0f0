// SDP fingerprint values (RFC 8122 §5): parsing, formatting, and hostile text.

import DTLS
import TestSupport
import Testing

@Suite struct DTLSFingerprintTests {
    static let chromeStyle = "sha-256 5A:1B:94:E0:6C:8B:CD:2B:9E:0F:51:7F:3F:AC:D3:39:21:0E:4C:D5:50:6E:0C:8B:36:93:E6:77:B2:4F:91:A1"

    @Test func parsesAndFormatsAnSDPValue() throws {
        let fingerprint = try DTLSFingerprint(sdpValue: Self.chromeStyle)
        #expect(fingerprint.algorithm == .sha256)
        #expect(fingerprint.bytes.prefix(3) == [0x5A, 0x1B, 0x94])
        #expect(fingerprint.bytes.last == 0xA1)
        #expect(fingerprint.sdpValue == Self.chromeStyle)
    }

    @Test func acceptsUpperCaseHashNamesAndLowerCaseHex() throws {
        let fingerprint = try DTLSFingerprint(sdpValue: "SHA-256 " + Self.chromeStyle.dropFirst(8).lowercased())
        #expect(fingerprint == (try DTLSFingerprint(sdpValue: Self.chromeStyle)))
    }

    @Test func otherHashLengths() throws {
        let sha1 = "sha-1 " + [String](repeating: "AB", count: 20).joined(separator: ":")
        let sha512 = "sha-512 " + [String](repeating: "0f", count: 64).joined(separator: ":")
        #expect(try DTLSFingerprint(sdpValue: sha1).bytes.count == 20)
        #expect(try DTLSFingerprint(sdpValue: sha512).algorithm == .sha512)
    }

    @Test(arguments: [
        "sha-256",                                              // no value
        "sha-256 ",                                             // empty value
        "sha-256 5A:1B",                                        // too short
        String(chromeStyle.dropLast(3)),                        // one byte short
        chromeStyle + ":00",                                    // one byte long
        chromeStyle.replacing(":", with: "-"),  // wrong separator
        chromeStyle.replacing("5A", with: "G5"), // not hex
        "sha-256  " + chromeStyle.dropFirst(8),                 // two spaces
    ])
    func rejectsMalformedValues(value: String) {
        #expect {
            _ = try DTLSFingerprint(sdpValue: value)
        } throws: { error in
            if case DTLSError.malformedFingerprint = error { return true }
            return false
        }
    }

    @Test func rejectsUnknownHashFunctions() {
        #expect(throws: DTLSError.unsupportedFingerprintAlgorithm("md5")) {
            _ = try DTLSFingerprint(sdpValue: "md5 " + [String](repeating: "AB", count: 16).joined(separator: ":"))
        }
    }

    @Test func rejectsBytesOfTheWrongLength() {
        #expect(throws: DTLSError.self) { _ = try DTLSFingerprint(algorithm: .sha256, bytes: [1, 2, 3]) }
    }

    @Test func hostileTextEndsInATypedErrorOrARoundTrippingValue() throws {
        let sha1: String = "sha-1 " + [String](repeating: "7F", count: 20).joined(separator: ":")
        let sha384: String = "sha-384 " + (0..<48).map { (i: Int) -> String in
            let hex = String(i, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined(separator: ":")
        let seeds: [[UInt8]] = [Self.chromeStyle, sha1, sha384, Identities.server.fingerprint.sdpValue].map { Array($0.utf8) }
        var parsed = 0
        var rejected = 0
        for hostile in HostileInput(seeds: seeds, count: 100_000, seed: 0xF1A6, maxLength: 600) {
            do {
                // Bytes as Latin-1 scalars: always a valid String (String(decoding:) would repair
                // invalid UTF-8 through internal throws, which Swift Testing backtraces slowly).
                let text = String(String.UnicodeScalarView(hostile.bytes.map { Unicode.Scalar($0) }))
                let fingerprint = try DTLSFingerprint(sdpValue: text)
                parsed += 1
                #expect(fingerprint.bytes.count == fingerprint.algorithm.digestLength, "case \(hostile.index)")
                #expect(try DTLSFingerprint(sdpValue: fingerprint.sdpValue) == fingerprint, "case \(hostile.index)")
            } catch {
                rejected += 1
            }
        }
        #expect(parsed > 0)
        #expect(rejected > 0)
    }
}
