import Foundation
@testable import Store

/// A database file in a fresh temporary directory, removed when the value goes away.
final class TemporaryDatabase: Sendable {
    let directory: URL
    /// Inside a subdirectory that does not exist yet, so every open also creates the parent.
    let path: String

    init() {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("chobi-store-tests-\(UUID().uuidString)", isDirectory: true)
        path = directory.appendingPathComponent("data/chobi.sqlite").path
    }

    func open() throws(StoreError) -> Store { try Store.open(path: path) }

    deinit { try? FileManager.default.removeItem(at: directory) }
}

/// Fixed instants for scripted timelines: `at(10)` is ten seconds after a fixed origin.
func at(_ seconds: Double) -> Date { Date(timeIntervalSince1970: 1_700_000_000 + seconds) }

extension Store {
    /// A user named `name` with a placeholder hash.
    func makeUser(_ name: String, now: Date = at(0)) async throws -> User {
        try await users.create(username: name, passwordHash: "hash-of-\(name)", displayName: name.capitalized, now: now)
    }
}
