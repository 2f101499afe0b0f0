import Foundation
import GRDB
import Testing
@testable import Store

/// `RawStatement`, the C-API path of the hot writes: what it binds reads back as GRDB reads it,
/// a failure is GRDB's typed error with SQLite's extended code, and the statement runs again
/// after one (it was reset).
@Suite("Raw statements")
struct RawStatementTests {
    private func scratch() async throws -> (Store, TemporaryDatabase) {
        let file = TemporaryDatabase()
        let store = try file.open()
        try await store.pool.write { db in
            try db.execute(sql: """
                CREATE TABLE scratch (n INTEGER NOT NULL CHECK (n <> 13), t TEXT, u TEXT)
                """)
        }
        return (store, file)
    }

    @Test("integers at their limits, text of any Unicode (NUL, emoji, bidi), NULL and ids round-trip")
    func valuesRoundTrip() async throws {
        let (store, file) = try await scratch()
        defer { withExtendedLifetime(file) {} }
        let texts = ["", "plain", "emoji 🎁👑🚀", "nul\u{0}inside", "bidi \u{202E}rtl", String(repeating: "é", count: 5_000)]
        let numbers: [Int64] = [.min, -1, 0, 1, .max]
        let id = UUID()
        let read: [(Int64, String?, String?)] = try await store.pool.write { db in
            let insert = try RawStatement(db, "INSERT INTO scratch (n, t, u) VALUES (?, ?, ?)")
            for (i, n) in numbers.enumerated() {
                insert.bind(1, n)
                insert.bind(2, i < texts.count ? texts[i] : nil)
                insert.bind(3, id)
                try insert.execute()
            }
            insert.bind(1, Int64(7))
            insert.bind(2, texts[5])
            insert.bind(3, nil as String?)
            try insert.execute()
            let select = try RawStatement(db, "SELECT n, t, u FROM scratch WHERE rowid = ?")
            var rows: [(Int64, String?, String?)] = []
            for rowid in 1...Int64(numbers.count + 1) {
                select.bind(1, rowid)
                if let row = try select.first({ ($0.int64(0), $0.textOrNil(1), $0.textOrNil(2)) }) { rows.append(row) }
            }
            return rows
        }
        #expect(read.map(\.0) == numbers + [7])
        #expect(read.map(\.1) == Array(texts.prefix(5)).map { Optional($0) } + [texts[5]])
        #expect(read.map(\.2) == Array(repeating: id.storeKey, count: 5) + [nil])
        // GRDB reads the same text back (it reads up to a NUL, this reads the stored length).
        let viaGRDB = try await store.pool.read { db in try String?.fetchAll(db, sql: "SELECT t FROM scratch ORDER BY rowid") }
        #expect(viaGRDB.enumerated().allSatisfy { i, text in
            texts.indices.contains(i) && texts[i].contains("\u{0}") ? text == "nul" : text == read[i].1
        })
    }

    @Test("a failing step throws DatabaseError with the extended code, changes nothing, and the statement runs again")
    func failureIsTypedAndResets() async throws {
        let (store, file) = try await scratch()
        defer { withExtendedLifetime(file) {} }
        let outcome: (DatabaseError?, Int, Int?) = try await store.pool.write { db in
            let insert = try RawStatement(db, "INSERT INTO scratch (n) VALUES (?)")
            var caught: DatabaseError?
            insert.bind(1, Int64(13))
            do { try insert.execute() } catch let error as DatabaseError { caught = error }
            let after = db.changesCount
            insert.bind(1, Int64(14))
            try insert.execute()
            let first = try RawStatement(db, "SELECT n FROM scratch WHERE n > ?")
            first.bind(1, Int64(0))
            return (caught, after, try first.first { $0.int(0) })
        }
        #expect(outcome.0?.extendedResultCode == .SQLITE_CONSTRAINT_CHECK)
        #expect(outcome.2 == 14)
        let count = try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM scratch") }
        #expect(count == 1)
        // No row: nil, not an error.
        let none = try await store.pool.read { db in
            let read = try RawStatement(db, "SELECT n FROM scratch WHERE n < 0")
            return try read.first { $0.int64(0) }
        }
        #expect(none == nil)
    }
}
