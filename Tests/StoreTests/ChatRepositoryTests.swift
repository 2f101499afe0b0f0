import Foundation
import GRDB
import Testing
@testable import Store

@Suite("Chat: kept messages, paging, retries, deletion")
struct ChatRepositoryTests {
    @Test("pages go back by id, each page oldest first; deleted lines are left out")
    func pagingBackwards() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let host = try await store.makeUser("host")
        let s = try await store.sessions.create(hostId: host.id, title: "t", now: at(0)).id
        var posted: [ChatMessage] = []
        for i in 1...7 {
            posted.append(try await store.chat.post(sessionId: s, authorId: host.id, text: "m\(i)", now: at(Double(i))).value)
        }
        #expect(posted.map(\.id) == posted.map(\.id).sorted())
        try await store.chat.delete(messageId: posted[4].id, by: host.id, now: at(8))  // m5

        let first = try await store.chat.messages(sessionId: s, limit: 3)
        #expect(first.messages.map(\.text) == ["m4", "m6", "m7"])
        let second = try await store.chat.messages(sessionId: s, before: first.nextBefore, limit: 3)
        #expect(second.messages.map(\.text) == ["m1", "m2", "m3"])
        #expect(second.nextBefore == nil)
        // No more pages after an exact fit either.
        let all = try await store.chat.messages(sessionId: s)
        #expect(all.messages.map(\.text) == ["m1", "m2", "m3", "m4", "m6", "m7"] && all.nextBefore == nil)
        // Other sessions' lines never show.
        let other = try await store.makeUser("other")
        let t = try await store.sessions.create(hostId: other.id, title: "u", now: at(0)).id
        _ = try await store.chat.post(sessionId: t, authorId: other.id, text: "elsewhere", now: at(9))
        #expect(try await store.chat.messages(sessionId: s).messages.count == 6)
        #expect(try await store.chat.messages(sessionId: t).messages.map(\.text) == ["elsewhere"])
    }

    @Test("limit is clamped to 1...100")
    func limitClamps() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let host = try await store.makeUser("host")
        let s = try await store.sessions.create(hostId: host.id, title: "t", now: at(0)).id
        for i in 0..<105 {
            _ = try await store.chat.post(sessionId: s, authorId: host.id, text: "\(i)", now: at(Double(i)))
        }
        let one = try await store.chat.messages(sessionId: s, limit: 0)
        #expect(one.messages.map(\.text) == ["104"])
        let negative = try await store.chat.messages(sessionId: s, limit: -5)
        #expect(negative.messages.count == 1)
        let capped = try await store.chat.messages(sessionId: s, limit: 1000)
        #expect(capped.messages.count == 100 && capped.messages.first?.text == "5" && capped.messages.last?.text == "104")
        let rest = try await store.chat.messages(sessionId: s, before: capped.nextBefore, limit: 1000)
        #expect(rest.messages.map(\.text) == ["0", "1", "2", "3", "4"] && rest.nextBefore == nil)
        #expect(try await store.chat.messages(sessionId: s).messages.count == ChatRepository.defaultPageSize)
    }

    @Test("a retried client message id returns the first message and writes nothing")
    func clientMessageIdReplay() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let (host, fan) = try await (store.makeUser("host"), store.makeUser("fan"))
        let s = try await store.sessions.create(hostId: host.id, title: "t", now: at(0)).id
        let first = try await store.chat.post(sessionId: s, authorId: fan.id, text: "hi", clientMessageId: "c1", now: at(1))
        #expect(!first.replayed && first.value.clientMessageId == "c1")
        let retry = try await store.chat.post(sessionId: s, authorId: fan.id, text: "hi (resent)", clientMessageId: "c1",
                                              now: at(2))
        #expect(retry.replayed && retry.value == first.value)
        // The same client id from someone else, or without one, is a new message.
        let hostLine = try await store.chat.post(sessionId: s, authorId: host.id, text: "hi", clientMessageId: "c1", now: at(3))
        #expect(!hostLine.replayed && hostLine.value.id != first.value.id)
        _ = try await store.chat.post(sessionId: s, authorId: fan.id, text: "a", now: at(4))
        _ = try await store.chat.post(sessionId: s, authorId: fan.id, text: "a", now: at(4))
        #expect(try await store.rowCount("chat_messages") == 4)
        // After the session ends a retry still gets its answer; a new post does not.
        _ = try await store.sessions.end(sessionId: s, now: at(5))
        let late = try await store.chat.post(sessionId: s, authorId: fan.id, text: "hi", clientMessageId: "c1", now: at(6))
        #expect(late.replayed && late.value == first.value)
        await #expect(throws: StoreError.sessionEnded(s)) {
            _ = try await store.chat.post(sessionId: s, authorId: fan.id, text: "x", clientMessageId: "c2", now: at(6))
        }
        // The database itself refuses a duplicate client id.
        await #expect(throws: DatabaseError.self) {
            try await store.pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO chat_messages (session_id, author_id, text, kind, client_message_id, created_at)
                        VALUES (?, ?, 'dup', 'text', 'c1', 0)
                        """,
                    arguments: [s.storeKey, fan.id.storeKey])
            }
        }
    }

    @Test("messages carry the author's name and role in the session; system lines have no author")
    func authorsAndRoles() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let (host, guest, viewer, lurker) = try await (store.makeUser("host"), store.makeUser("guest"),
                                                       store.makeUser("viewer"), store.makeUser("lurker"))
        let s = try await store.sessions.create(hostId: host.id, title: "t", now: at(0)).id
        try await store.putOnStage(guest.id, in: s, now: at(1))
        _ = try await store.sessions.recordJoin(sessionId: s, userId: viewer.id, role: .viewer, now: at(1))
        let lines: [(UUID?, ChatMessageKind)] = [(host.id, .text), (guest.id, .text), (viewer.id, .text),
                                                  (lurker.id, .text), (nil, .system)]
        for (i, line) in lines.enumerated() {
            _ = try await store.chat.post(sessionId: s, authorId: line.0, text: "l\(i)", kind: line.1, now: at(2))
        }
        let page = try await store.chat.messages(sessionId: s).messages
        #expect(page.map { $0.author?.role } == [.host, .guest, .viewer, nil, nil])
        #expect(page[1].author == ChatAuthor(id: guest.id, username: "guest", displayName: "Guest", role: .guest))
        #expect(page[4].author == nil && page[4].kind == .system)
        // The role is the one held when the line was written: the guest later steps down.
        _ = try await store.sessions.removeGuest(sessionId: s, userId: guest.id, now: at(3))
        let later = try await store.chat.post(sessionId: s, authorId: guest.id, text: "now watching", now: at(4))
        #expect(later.value.author?.role == .viewer)
        #expect(try await store.chat.message(id: page[1].id)?.author?.role == .guest)

        await #expect(throws: StoreError.self) {
            _ = try await store.chat.post(sessionId: s, authorId: nil, text: "anonymous", now: at(5))
        }
        let ghost = UUID()
        await #expect(throws: StoreError.userNotFound(ghost)) {
            _ = try await store.chat.post(sessionId: s, authorId: ghost, text: "boo", now: at(5))
        }
        let nowhere = UUID()
        await #expect(throws: StoreError.sessionNotFound(nowhere)) {
            _ = try await store.chat.post(sessionId: nowhere, authorId: host.id, text: "?", now: at(5))
        }
    }

    @Test("delete hides a line, keeps who deleted it, and is harmless twice")
    func deleteTwice() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let (host, fan, mod) = try await (store.makeUser("host"), store.makeUser("fan"), store.makeUser("mod"))
        let s = try await store.sessions.create(hostId: host.id, title: "t", now: at(0)).id
        let line = try await store.chat.post(sessionId: s, authorId: fan.id, text: "spam", now: at(1)).value
        #expect(try await store.chat.delete(messageId: line.id, by: mod.id, now: at(2)) == s)
        #expect(try await store.chat.delete(messageId: line.id, by: host.id, now: at(3)) == s)
        let stored = try await store.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT deleted_by, deleted_at FROM chat_messages WHERE id = ?", arguments: [line.id])
        }
        #expect(stored?["deleted_by"] == mod.id.storeKey)
        #expect(stored?["deleted_at"] == at(2).millisecondsSince1970)
        #expect(try await store.chat.messages(sessionId: s).messages.isEmpty)
        await #expect(throws: StoreError.messageNotFound(line.id + 100)) {
            try await store.chat.delete(messageId: line.id + 100, by: host.id, now: at(4))
        }
    }
}
