import Foundation
import Testing
@testable import Signaling

@Suite struct JWTKeyStoreTests {
    /// A fresh directory under /tmp, removed after the test.
    private func withTemporaryDirectory(_ body: (String) throws -> Void) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("chobi-keystore-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: base) }
        try body(base)
    }

    @Test func createsTheKeyFileOnceWithMode0600AndReusesIt() throws {
        try withTemporaryDirectory { base in
            let store = JWTKeyStore(dataDirectory: base + "/nested/data")
            #expect(store.path == base + "/nested/data/jwt.key")
            #expect(!FileManager.default.fileExists(atPath: store.path))
            let first = try store.loadKey(environmentSecret: nil)
            let attributes = try FileManager.default.attributesOfItem(atPath: store.path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            let directory = try FileManager.default.attributesOfItem(atPath: base + "/nested/data")
            #expect((directory[.posixPermissions] as? NSNumber)?.intValue == 0o700)
            let text = try String(contentsOfFile: store.path, encoding: .utf8)
            #expect(text.count == 65 && text.hasSuffix("\n"))  // 32 bytes as hex, newline
            #expect(first.bytes == Array(text.dropLast().utf8))
            let modified = attributes[.modificationDate] as? Date
            let second = try store.loadKey(environmentSecret: nil)
            #expect(second == first)
            #expect((try FileManager.default.attributesOfItem(atPath: store.path)[.modificationDate] as? Date) == modified)
        }
    }

    @Test func separateStoresMakeDifferentKeys() throws {
        try withTemporaryDirectory { base in
            let a = try JWTKeyStore(path: base + "/a/jwt.key").loadKey(environmentSecret: nil)
            let b = try JWTKeyStore(path: base + "/b/jwt.key").loadKey(environmentSecret: nil)
            #expect(a != b)
        }
    }

    @Test func environmentSecretWinsAndCreatesNoFile() throws {
        try withTemporaryDirectory { base in
            let store = JWTKeyStore(dataDirectory: base)
            let key = try store.loadKey(environmentSecret: "an environment secret that is long enough")
            #expect(key.bytes == Array("an environment secret that is long enough".utf8))
            #expect(!FileManager.default.fileExists(atPath: store.path))
            #expect(throws: JWTKeyStore.Failure.secretTooShort) { try store.loadKey(environmentSecret: "short") }
        }
    }

    @Test func fileTextIsTheSecretSoTheEnvironmentCanCarryIt() throws {
        try withTemporaryDirectory { base in
            let store = JWTKeyStore(dataDirectory: base)
            let fromFile = try store.loadKey(environmentSecret: nil)
            let text = try String(contentsOfFile: store.path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(try store.loadKey(environmentSecret: text) == fromFile)
        }
    }

    @Test func refusesShortOrHugeKeyFiles() throws {
        try withTemporaryDirectory { base in
            try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
            let short = base + "/short.key"
            try "abc\n".write(toFile: short, atomically: true, encoding: .utf8)
            #expect(throws: JWTKeyStore.Failure.keyFileTooShort(path: short)) { try JWTKeyStore(path: short).loadKey(environmentSecret: nil) }
            let huge = base + "/huge.key"
            try String(repeating: "k", count: 10_000).write(toFile: huge, atomically: true, encoding: .utf8)
            #expect(throws: JWTKeyStore.Failure.keyFileTooLarge(path: huge)) { try JWTKeyStore(path: huge).loadKey(environmentSecret: nil) }
        }
    }

    @Test func reportsUnwritableLocations() throws {
        try withTemporaryDirectory { base in
            try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
            // A regular file where a directory should be: mkdir fails with ENOTDIR/EEXIST-like errors.
            try "x".write(toFile: base + "/file", atomically: true, encoding: .utf8)
            #expect(throws: JWTKeyStore.Failure.self) { try JWTKeyStore(path: base + "/file/sub/jwt.key").loadKey(environmentSecret: nil) }
        }
    }
}
