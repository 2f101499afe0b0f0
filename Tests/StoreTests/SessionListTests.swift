import Foundation
import Testing
import TestSupport
@testable import Store

@Suite("Sessions: the live list")
struct SessionListTests {
    /// Pages through every live session `user` may see.
    private func allPages(_ store: Store, limit: Int, user: UUID?) async throws -> [[SessionSummary]] {
        var pages: [[SessionSummary]] = []
        var cursor: SessionCursor?
        repeat {
            let page = try await store.sessions.activeSessions(after: cursor, limit: limit, admittedUser: user)
            pages.append(page.sessions)
            cursor = page.nextCursor
            // A token round trip, as the API hands it to clients and gets it back.
            if let token = cursor?.token { cursor = SessionCursor(token: token) }
        } while cursor != nil && pages.count < 100
        return pages
    }

    @Test("25 live sessions, limit 10: pages of 10, 10, 5, each session once, newest first, ties by id")
    func paginationCoversEverySessionOnce() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        var expected: [(Date, UUID)] = []
        for index in 0..<25 {
            let host = try await store.makeUser("host\(index)")
            // Groups of three share a start time, so the id tie-break is exercised across page edges.
            let started = at(Double(index / 3))
            let session = try await store.sessions.create(hostId: host.id, title: "s\(index)", now: started)
            expected.append((started, session.id))
        }
        // Ended sessions never show.
        let gone = try await store.makeUser("gone")
        let ended = try await store.sessions.create(hostId: gone.id, title: "ended", now: at(100))
        _ = try await store.sessions.end(sessionId: ended.id, now: at(101))

        let pages = try await allPages(store, limit: 10, user: nil)
        #expect(pages.map(\.count) == [10, 10, 5])
        let order = expected.sorted { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1.storeKey < $1.1.storeKey }.map(\.1)
        #expect(pages.flatMap { $0 }.map(\.id) == order)
        #expect(pages.flatMap { $0 }.allSatisfy { $0.host.username.hasPrefix("host") })
    }

    @Test("private sessions are listed only for the host, followers of the host and invited users")
    func privateSessionsOnlyForAdmitted() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let (host, fan, guest, outsider, kicked) = try await (
            store.makeUser("host"), store.makeUser("fan"), store.makeUser("guest"), store.makeUser("outsider"),
            store.makeUser("kicked"))
        let other = try await store.makeUser("other")
        let open = try await store.sessions.create(hostId: other.id, title: "open", now: at(0))
        let hidden = try await store.sessions.create(hostId: host.id, title: "hidden", isPrivate: true, now: at(1))
        try await store.users.follow(followerId: fan.id, followeeId: host.id, now: at(2))
        try await store.users.follow(followerId: kicked.id, followeeId: host.id, now: at(2))
        _ = try await store.sessions.invite(sessionId: hidden.id, userId: guest.id, now: at(3))
        try await store.sessions.ban(sessionId: hidden.id, userId: kicked.id, now: at(4))

        for (user, seesHidden) in [(host, true), (fan, true), (guest, true), (outsider, false), (kicked, false)] {
            let ids = try await allPages(store, limit: 1, user: user.id).flatMap { $0 }.map(\.id)
            #expect(ids == (seesHidden ? [hidden.id, open.id] : [open.id]), "\(user.username)")
        }
        let anonymous = try await store.sessions.activeSessions(admittedUser: nil)
        #expect(anonymous.sessions.map(\.id) == [open.id])
        #expect(anonymous.nextCursor == nil)
    }

    @Test("summaries carry host info and live viewer and guest counts")
    func summaryCounts() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let host = try await store.makeUser("host")
        _ = try await store.users.updateProfile(id: host.id, ProfileUpdate(avatarUrl: "https://cdn/h.png"))
        let (v1, v2, g) = try await (store.makeUser("v1"), store.makeUser("v2"), store.makeUser("g"))
        let s = try await store.sessions.create(hostId: host.id, title: "t", category: "talk", now: at(0)).id
        _ = try await store.sessions.recordJoin(sessionId: s, userId: host.id, role: .host, now: at(1))
        _ = try await store.sessions.recordJoin(sessionId: s, userId: v1.id, role: .viewer, now: at(1))
        _ = try await store.sessions.recordJoin(sessionId: s, userId: v2.id, role: .viewer, now: at(2))
        _ = try await store.sessions.invite(sessionId: s, userId: g.id, now: at(3))
        _ = try await store.sessions.respondToInvite(sessionId: s, userId: g.id, accept: true, now: at(3))
        _ = try await store.sessions.recordJoin(sessionId: s, userId: g.id, role: .guest, now: at(4))
        _ = try await store.sessions.recordLeave(sessionId: s, userId: v1.id, now: at(5))

        let summary = try #require(try await store.sessions.activeSessions().sessions.first)
        #expect(summary.host == SessionHost(id: host.id, username: "host", displayName: "Host",
                                            avatarUrl: "https://cdn/h.png"))
        #expect(summary.viewerCount == 1)
        #expect(summary.guestCount == 1)
        #expect(summary.category == "talk" && summary.startedAt == at(0) && !summary.isPrivate)
    }

    @Test("limits are clamped to 1...maxPageSize")
    func limitClamped() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        for index in 0..<3 {
            let host = try await store.makeUser("h\(index)")
            _ = try await store.sessions.create(hostId: host.id, title: "t", now: at(Double(index)))
        }
        let zero = try await store.sessions.activeSessions(limit: 0)
        #expect(zero.sessions.count == 1 && zero.nextCursor != nil)
        #expect(try await store.sessions.activeSessions(limit: 1_000_000).sessions.count == 3)
    }

    @Test("cursor tokens: round trip, and hostile tokens never trap")
    func cursorTokens() throws {
        let samples = [
            SessionCursor(startedAt: at(0), id: UUID()),
            SessionCursor(startedAt: Date(timeIntervalSince1970: 0), id: UUID()),
            SessionCursor(startedAt: at(12.345), id: UUID()),
        ]
        for cursor in samples {
            #expect(SessionCursor(token: cursor.token) == cursor)
            let json = try JSONEncoder().encode(cursor)
            #expect(try JSONDecoder().decode(SessionCursor.self, from: json) == cursor)
        }
        #expect(SessionCursor(token: "") == nil)
        #expect(SessionCursor(token: "_" + UUID().uuidString) == nil)
        #expect(SessionCursor(token: "-5_" + UUID().uuidString) == nil)
        #expect(SessionCursor(token: "12_not-a-uuid") == nil)

        var parsed = 0
        var refused = 0
        // Bytes straight into the parser (`init?(token:)` only hands it `token.utf8`): repairing
        // invalid UTF-8 into a String is slow in debug builds and no client String holds any.
        // Oversized cases up to 512 bytes: anything past 56 is refused by the first length check.
        let seeds = samples.map { Array($0.token.utf8) }
        for hostile in HostileInput(seeds: seeds, count: 100_000, seed: 0x5E55, maxLength: 512) {
            if let cursor = SessionCursor(utf8: hostile.bytes) {
                parsed += 1
                #expect(SessionCursor(token: cursor.token) == cursor, "case \(hostile.index) \(hostile.kind)")
                #expect(cursor.token.utf8.count <= SessionCursor.maxTokenLength)
            } else {
                refused += 1
            }
        }
        #expect(parsed > 0 && refused > 0)
    }
}
