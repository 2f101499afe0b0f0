import Foundation
import Testing
@testable import Store

@Suite("Chat moderation: moderators, mutes, slow mode")
struct ChatModerationTests {
    @Test("moderators are appointed and dismissed; the host is never a target; ended sessions refuse")
    func moderators() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let (host, a, b) = try await (store.makeUser("host"), store.makeUser("a"), store.makeUser("b"))
        let s = try await store.sessions.create(hostId: host.id, title: "t", now: at(0)).id
        #expect(try await store.chat.setModerator(sessionId: s, userId: b.id, on: true, by: host.id, now: at(1)))
        #expect(try await store.chat.setModerator(sessionId: s, userId: a.id, on: true, by: host.id, now: at(2)))
        #expect(try await !store.chat.setModerator(sessionId: s, userId: a.id, on: true, by: host.id, now: at(3)))
        let listed = try await store.chat.moderators(sessionId: s)
        #expect(listed.map(\.userId) == [b.id, a.id])
        #expect(listed[1] == ChatModerator(userId: a.id, username: "a", displayName: "A", appointedBy: host.id,
                                           createdAt: at(2)))
        #expect(try await store.chat.isModerator(sessionId: s, userId: a.id))
        #expect(try await !store.chat.isModerator(sessionId: s, userId: host.id))
        #expect(try await store.chat.setModerator(sessionId: s, userId: a.id, on: false, by: host.id, now: at(4)))
        #expect(try await !store.chat.setModerator(sessionId: s, userId: a.id, on: false, by: host.id, now: at(4)))
        #expect(try await !store.chat.isModerator(sessionId: s, userId: a.id))
        #expect(try await store.chat.moderators(sessionId: s).map(\.userId) == [b.id])

        await #expect(throws: StoreError.hostCannotBeTarget) {
            try await store.chat.setModerator(sessionId: s, userId: host.id, on: true, by: host.id, now: at(5))
        }
        let ghost = UUID()
        await #expect(throws: StoreError.userNotFound(ghost)) {
            try await store.chat.setModerator(sessionId: s, userId: ghost, on: true, by: host.id, now: at(5))
        }
        _ = try await store.sessions.end(sessionId: s, now: at(6))
        await #expect(throws: StoreError.sessionEnded(s)) {
            try await store.chat.setModerator(sessionId: s, userId: a.id, on: true, by: host.id, now: at(7))
        }
    }

    @Test("a mute lasts until its end; muting again replaces it; until <= now lifts it")
    func mutes() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let (host, fan) = try await (store.makeUser("host"), store.makeUser("fan"))
        let s = try await store.sessions.create(hostId: host.id, title: "t", now: at(0)).id
        #expect(try await store.chat.mutedUntil(sessionId: s, userId: fan.id, now: at(1)) == nil)
        #expect(try await store.chat.mute(sessionId: s, userId: fan.id, until: at(61), by: host.id, now: at(1)) == at(61))
        #expect(try await store.chat.mutedUntil(sessionId: s, userId: fan.id, now: at(30)) == at(61))
        #expect(try await store.chat.mutedUntil(sessionId: s, userId: fan.id, now: at(61)) == nil)
        // Shortened by a second mute.
        #expect(try await store.chat.mute(sessionId: s, userId: fan.id, until: at(10), by: host.id, now: at(2)) == at(10))
        #expect(try await store.chat.mutedUntil(sessionId: s, userId: fan.id, now: at(30)) == nil)
        _ = try await store.chat.mute(sessionId: s, userId: fan.id, until: at(600), by: host.id, now: at(3))
        // "0 seconds": until == now.
        #expect(try await store.chat.mute(sessionId: s, userId: fan.id, until: at(4), by: host.id, now: at(4)) == nil)
        #expect(try await store.chat.mutedUntil(sessionId: s, userId: fan.id, now: at(5)) == nil)
        #expect(try await store.rowCount("chat_mutes") == 0)
        await #expect(throws: StoreError.hostCannotBeTarget) {
            try await store.chat.mute(sessionId: s, userId: host.id, until: at(100), by: fan.id, now: at(5))
        }
    }

    @Test("slow mode and the author's last text line, alone and as one standing")
    func slowModeAndStanding() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let (host, fan, mod) = try await (store.makeUser("host"), store.makeUser("fan"), store.makeUser("mod"))
        let s = try await store.sessions.create(hostId: host.id, title: "t", now: at(0)).id
        #expect(try await store.chat.slowMode(sessionId: s) == 0)
        try await store.chat.setSlowMode(sessionId: s, seconds: 10, now: at(1))
        #expect(try await store.chat.slowMode(sessionId: s) == 10)
        try await store.chat.setSlowMode(sessionId: s, seconds: 0, now: at(2))
        #expect(try await store.chat.slowMode(sessionId: s) == 0)
        try await store.chat.setSlowMode(sessionId: s, seconds: 30, now: at(3))
        await #expect(throws: StoreError.self) { try await store.chat.setSlowMode(sessionId: s, seconds: -1, now: at(3)) }
        #expect(try await store.chat.slowMode(sessionId: s) == 30)
        #expect(try await store.chat.slowMode(sessionId: UUID()) == 0)

        #expect(try await store.chat.lastMessageAt(sessionId: s, authorId: fan.id) == nil)
        let line = try await store.chat.post(sessionId: s, authorId: fan.id, text: "one", now: at(4)).value
        _ = try await store.chat.post(sessionId: s, authorId: fan.id, text: "two", now: at(7))
        // Gift and system lines do not count against slow mode; deleted text lines do.
        _ = try await store.chat.post(sessionId: s, authorId: fan.id, text: "sent Rose", kind: .gift, now: at(9))
        try await store.chat.delete(messageId: line.id, by: host.id, now: at(9))
        #expect(try await store.chat.lastMessageAt(sessionId: s, authorId: fan.id) == at(7))

        try await store.chat.setModerator(sessionId: s, userId: mod.id, on: true, by: host.id, now: at(10))
        _ = try await store.chat.mute(sessionId: s, userId: fan.id, until: at(70), by: mod.id, now: at(10))
        #expect(try await store.chat.standing(sessionId: s, userId: fan.id, now: at(11))
            == ChatStanding(isModerator: false, mutedUntil: at(70), slowModeSeconds: 30, lastMessageAt: at(7)))
        #expect(try await store.chat.standing(sessionId: s, userId: mod.id, now: at(11))
            == ChatStanding(isModerator: true, mutedUntil: nil, slowModeSeconds: 30, lastMessageAt: nil))
    }
}
