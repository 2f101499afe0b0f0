import Foundation
import GRDB
import Testing
@testable import Store

@Suite("Opening and migrating the database")
struct StoreOpeningTests {
    @Test("open creates the parent directory, applies v1 and runs in WAL mode")
    func openCreatesWalDatabase() async throws {
        let file = TemporaryDatabase()
        #expect(!FileManager.default.fileExists(atPath: file.path))
        let store = try file.open()
        #expect(FileManager.default.fileExists(atPath: file.path))
        #expect(try await store.journalMode() == "wal")
        #expect(try await store.appliedMigrations() == Store.knownMigrations)
        #expect(Store.knownMigrations == ["v1", "v2-heartbeat", "v3-end-reasons", "v4-economy", "v5-gift-indexes", "v6-profiles", "v7-analytics", "v8-videos", "v9-gift-totals", "v10-ledger-checks", "v11-top-gifters", "v12-chat-rebuild"])
        try await store.ping()
    }

    @Test("a new file gets 2 KiB pages; a file made with 4 KiB pages keeps them and migrates")
    func pageSizes() async throws {
        let fresh = TemporaryDatabase()
        let store = try fresh.open()
        #expect(try await store.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") } == Store.newPageSize)

        let old = TemporaryDatabase()
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: old.path).deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        do {
            let pool = try DatabasePool(path: old.path)
            try StoreSchema.migrator.migrate(pool, upTo: "v1")
            #expect(try await pool.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") } == 4096)
        }
        let reopened = try old.open()
        #expect(try await reopened.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") } == 4096)
        #expect(try await reopened.appliedMigrations() == Store.knownMigrations)
        let user = try await reopened.makeUser("pages")
        #expect(try await reopened.users.find(id: user.id) == user)
    }

    @Test("a second open of the same file applies no migration again and keeps the data")
    func reopenMigratesNothingTwice() async throws {
        let file = TemporaryDatabase()
        let user: User
        do {
            let first = try file.open()
            user = try await first.makeUser("alice")
        }
        let second = try file.open()
        let third = try file.open()  // while `second` is open, like a `migrate` run beside a server
        let rows = try await third.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations").map { $0[0] as String }
        }
        #expect(rows == ["v1", "v2-heartbeat", "v3-end-reasons", "v4-economy", "v5-gift-indexes", "v6-profiles", "v7-analytics", "v8-videos", "v9-gift-totals", "v10-ledger-checks", "v11-top-gifters", "v12-chat-rebuild"])
        #expect(try await second.users.find(id: user.id) == user)
    }

    @Test("a file from a binary that knew only v1 is migrated with its rows kept and still attached")
    func v1FileIsUpgraded() async throws {
        let file = TemporaryDatabase()
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: file.path).deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        let (host, viewer, session) = ("00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002",
                                       "00000000-0000-4000-8000-0000000000aa")
        do {
            let old = try DatabasePool(path: file.path)
            try StoreSchema.migrator.migrate(old, upTo: "v1")
            try await old.write { db in
                try db.execute(sql: """
                    INSERT INTO users (id, username, password_hash, display_name, created_at)
                        VALUES (?, 'old', 'x', 'Old', 0), (?, 'fan', 'x', 'Fan', 0);
                    INSERT INTO streaming_sessions (id, host_id, title, status, started_at, ended_at, end_reason)
                        VALUES (?, ?, 'before', 'ended', 1000, 5000, 'host');
                    INSERT INTO session_participants (session_id, user_id, role, joined_at, left_at)
                        VALUES (?, ?, 'viewer', 2000, 4000);
                    """, arguments: [host, viewer, session, host, session, viewer])
            }
        }
        let store = try file.open()
        #expect(try await store.appliedMigrations() == Store.knownMigrations)
        #expect(try await store.users.find(username: "old")?.displayName == "Old")
        let id = try #require(UUID(uuidString: session))
        let report = try await store.sessions.report(sessionId: id, now: at(0))
        #expect(report.endReason == .host && report.durationSeconds == 4 && report.totalWatchSeconds == 2)
        // The rebuilt table is the parent again: foreign keys hold and cascade.
        try await store.pool.write { db in
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
            try db.execute(sql: "DELETE FROM streaming_sessions WHERE id = ?", arguments: [session])
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM session_participants") == 0)
        }
        // The indexes came back with the table.
        let indexes = try await store.pool.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'streaming_sessions' AND sql IS NOT NULL ORDER BY name")
        }
        #expect(indexes == ["streaming_sessions_by_host", "streaming_sessions_live_by_start", "streaming_sessions_one_live_per_host"])
    }

    @Test("a file made by the v3 schema gains roles, chat, gifts and the ledger with its rows kept")
    func v3FileIsUpgradedToV4() async throws {
        let file = TemporaryDatabase()
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: file.path).deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        let (host, guest, session) = ("00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002",
                                      "00000000-0000-4000-8000-0000000000aa")
        do {
            let old = try DatabasePool(path: file.path, configuration: Store.configuration())
            try StoreSchema.migrator.migrate(old, upTo: "v3-end-reasons")
            try await old.write { db in
                try db.execute(sql: """
                    INSERT INTO users (id, username, password_hash, display_name, created_at)
                        VALUES (?, 'star', 'x', 'Star', 0), (?, 'cohost', 'x', 'Cohost', 0);
                    INSERT INTO streaming_sessions (id, host_id, title, status, started_at)
                        VALUES (?, ?, 'still live', 'live', 1000);
                    INSERT INTO session_stats (session_id, updated_at) VALUES (?, 1000);
                    INSERT INTO session_invites (session_id, user_id, status, created_at, updated_at)
                        VALUES (?, ?, 'accepted', 1000, 1000);
                    INSERT INTO session_participants (session_id, user_id, role, joined_at)
                        VALUES (?, ?, 'host', 1000), (?, ?, 'guest', 1000);
                    """, arguments: [host, guest, session, host, session, session, guest, session, host, session, guest])
            }
        }
        let store = try file.open()
        #expect(try await store.appliedMigrations() == Store.knownMigrations)
        let star = try #require(try await store.users.find(username: "star"))
        #expect(star.role == .user)
        #expect(try await store.gifts.catalog().count >= 9)
        #expect(try await store.ledger.verifyLedger().isClean)
        // The old live session takes chat and gifts at once: its guest is on stage.
        let sessionId = try #require(UUID(uuidString: session))
        let guestId = try #require(UUID(uuidString: guest))
        _ = try await store.chat.post(sessionId: sessionId, authorId: star.id, text: "we're back", now: at(0))
        _ = try await store.ledger.addCoins(userId: star.id, amount: 10, idempotencyKey: "k", by: nil, now: at(0))
        let receipt = try await store.gifts.sendGift(sessionId: sessionId, senderId: star.id, giftId: "rose",
                                                     recipientId: guestId, count: 3, idempotencyKey: "g", now: at(1))
        #expect(receipt.value.balance.coins == 7)
        #expect(try await store.chat.messages(sessionId: sessionId).messages.map(\.kind) == [.text, .gift])
        let check = try await store.pool.read { db in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") }
        #expect(check.isEmpty)
    }

    @Test("v12 rebuilds the chat: same ids and rows, ids still grow, lines are never deleted, the kind check holds")
    func v11ChatIsRebuilt() async throws {
        let file = TemporaryDatabase()
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: file.path).deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        let (host, fan, session): (UUID, UUID, UUID) = try await {
            let pool = try DatabasePool(path: file.path, configuration: Store.configuration())
            try StoreSchema.migrator.migrate(pool, upTo: "v11-top-gifters")
            let old = Store(pool: pool)
            let host = try await old.makeUser("host").id
            let fan = try await old.makeUser("fan").id
            let session = try await old.sessions.create(hostId: host, title: "Live", now: at(0)).id
            _ = try await old.chat.post(sessionId: session, authorId: fan, text: "first", clientMessageId: "c1", now: at(1))
            _ = try await old.chat.post(sessionId: session, authorId: nil, text: "welcome", kind: .system, now: at(2))
            _ = try await old.ledger.addCoins(userId: fan, amount: 10, idempotencyKey: "fund", by: nil, now: at(2))
            _ = try await old.gifts.sendGift(sessionId: session, senderId: fan, giftId: "rose", idempotencyKey: "g",
                                             now: at(3))
            let doomed = try await old.chat.post(sessionId: session, authorId: fan, text: "oops", now: at(4)).value.id
            try await old.chat.delete(messageId: doomed, by: host, now: at(5))
            try pool.close()
            return (host, fan, session)
        }()
        let rowsSQL = "SELECT id, session_id, author_id, text, kind, client_message_id, created_at, deleted_by, deleted_at FROM chat_messages ORDER BY id"
        let before = try await {
            let pool = try DatabasePool(path: file.path, configuration: Store.configuration())
            defer { try? pool.close() }
            return try await pool.read { db in try Row.fetchAll(db, sql: rowsSQL).map(\.description) }
        }()
        #expect(before.count == 4)
        let ids = try await {
            let pool = try DatabasePool(path: file.path, configuration: Store.configuration())
            defer { try? pool.close() }
            return try await pool.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM chat_messages ORDER BY id") }
        }()

        let store = try file.open()
        #expect(try await store.appliedMigrations() == Store.knownMigrations)
        try await store.pool.read { db in
            #expect(try Row.fetchAll(db, sql: rowsSQL).map(\.description) == before)
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_sequence WHERE name = 'chat_messages'") == 0)
            let indexes = try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'chat_messages' ORDER BY name
                """)
            #expect(indexes == ["chat_messages_one_per_client_id", "chat_messages_text_by_author",
                                "chat_messages_visible_by_session"])
            // The gift still points at its line.
            #expect(try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM gift_transactions g JOIN chat_messages m ON m.id = g.chat_message_id AND m.kind = 'gift'
                """) == 1)
        }
        // A retried client id still finds its first post; new lines go above the largest id.
        let retry = try await store.chat.post(sessionId: session, authorId: fan, text: "first", clientMessageId: "c1", now: at(6))
        #expect(retry.replayed && retry.value.id == ids.first)
        let next = try await store.chat.post(sessionId: session, authorId: host, text: "next", now: at(7)).value.id
        #expect(next == (ids.last ?? 0) + 1)
        #expect(try await store.chat.messages(sessionId: session).messages.map(\.text) == ["first", "welcome", "sent Rose", "next"])
        try await store.pool.write { db in
            #expect(throws: DatabaseError.self) { try db.execute(sql: "DELETE FROM chat_messages WHERE id = ?", arguments: [next]) }
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "UPDATE chat_messages SET kind = 'bogus' WHERE id = ?", arguments: [next])
            }
        }
    }

    @Test("after close, calls fail with a typed error; the data is in the file for the next open")
    func closeThenReopen() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let user = try await store.makeUser("alice")
        try store.close()
        await #expect(throws: StoreError.self) { try await store.ping() }
        #expect(try await file.open().users.find(id: user.id) == user)
    }

    @Test("a database migrated by a newer binary is refused with a clear message")
    func newerSchemaIsRefused() async throws {
        let file = TemporaryDatabase()
        do {
            let store = try file.open()
            try await store.pool.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES (?)", arguments: ["v99-from-the-future"])
            }
        }
        let error = #expect(throws: StoreError.self) { _ = try file.open() }
        #expect(error == .newerSchema(path: file.path, unknownMigrations: ["v99-from-the-future"]))
        #expect(error?.description.contains("newer Chobi Live") == true)
        #expect(error?.description.contains("v99-from-the-future") == true)
        // Refusing wrote nothing: the file still names only what it had.
        let raw = try DatabaseQueue(path: file.path)
        let applied = try await raw.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(Set(applied) == Set(Store.knownMigrations + ["v99-from-the-future"]) && applied.count == Store.knownMigrations.count + 1)
    }

    @Test("a path that cannot be a directory is a typed open error")
    func unopenablePathIsTypedError() throws {
        let file = TemporaryDatabase()
        try FileManager.default.createDirectory(at: file.directory, withIntermediateDirectories: true)
        // A plain file where the parent directory should be.
        let blocker = file.directory.appendingPathComponent("data")
        try Data("x".utf8).write(to: blocker)
        let error = #expect(throws: StoreError.self) { _ = try file.open() }
        guard case .cannotOpen(let path, _) = error else {
            Issue.record("expected cannotOpen, got \(String(describing: error))")
            return
        }
        #expect(path == file.path)
    }

    @Test("foreign keys are enforced")
    func foreignKeysEnforced() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        await #expect(throws: DatabaseError.self) {
            try await store.pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO streaming_sessions (id, host_id, title, is_private, status, started_at)
                        VALUES (?, ?, 'x', 0, 'live', 0)
                        """,
                    arguments: [UUID().storeKey, UUID().storeKey])
            }
        }
        let foreignKeys = try await store.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA foreign_keys") }
        #expect(foreignKeys == 1)
    }

    @Test("a write transaction that throws halfway leaves no partial rows")
    func failedTransactionLeavesNothing() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let host = try await store.makeUser("host")
        struct Halfway: Error {}
        await #expect(throws: StoreError.self) {
            _ = try await store.pool.writeValue { db in
                try db.execute(
                    sql: "INSERT INTO users (id, username, password_hash, display_name, created_at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [UUID().storeKey, "bob", "h", "Bob", 0])
                try db.execute(
                    sql: """
                        INSERT INTO streaming_sessions (id, host_id, title, is_private, status, started_at)
                        VALUES (?, ?, 'half', 0, 'live', 0)
                        """,
                    arguments: [UUID().storeKey, host.id.storeKey])
                throw Halfway()
            }
        }
        // Read through a fresh pool, as a restarted process would.
        let reopened = try file.open()
        #expect(try await reopened.users.find(username: "bob") == nil)
        #expect(try await reopened.sessions.activeSessions().sessions.isEmpty)
    }

    @Test("values are bound, never spliced into SQL")
    func hostileTextRoundTrips() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let name = "r'); DROP TABLE users; --"
        let user = try await store.users.create(username: name, passwordHash: "'\"", displayName: "\"; --", now: at(0))
        #expect(try await store.users.find(username: name) == user)
        #expect(try await store.users.credentials(username: name)?.passwordHash == "'\"")
    }

    @Test("the list and count queries are served by indexes, without sorting")
    func queriesUseIndexes() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        for sql in [SessionRepository.activeSessionsFirstPageSQL, SessionRepository.activeSessionsAfterCursorSQL] {
            let plan = try await store.pool.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql,
                                 arguments: ["user": nil, "limit": 10, "ms": 0, "id": ""])
                    .map { $0["detail"] as String }
            }
            let text = plan.joined(separator: "\n")
            #expect(text.contains("streaming_sessions_live_by_start"), "\(text)")
            #expect(!text.contains("TEMP B-TREE"), "\(text)")
            // Every SCAN of a table goes through an index (a bare "SCAN p" would read every visit).
            let bareScans = plan.filter { $0.hasPrefix("SCAN") && !$0.contains("INDEX") }
            #expect(bareScans.isEmpty, "\(text)")
        }
    }
}
