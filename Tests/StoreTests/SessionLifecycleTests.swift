import Foundation
import GRDB
import Testing
@testable import Store

@Suite("Sessions: going live, ending, reports")
struct SessionLifecycleTests {
    @Test("a host has at most one live session; after ending, a new one may start")
    func oneLiveSessionPerHost() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let host = try await store.makeUser("host")
        let first = try await store.sessions.create(hostId: host.id, title: "one", category: "music", now: at(0))
        #expect(first.status == .live && first.endedAt == nil)
        #expect(try await store.sessions.find(id: first.id) == first)
        await #expect(throws: StoreError.hostAlreadyLive(hostId: host.id, sessionId: first.id)) {
            _ = try await store.sessions.create(hostId: host.id, title: "two", now: at(1))
        }
        _ = try await store.sessions.end(sessionId: first.id, now: at(5))
        let second = try await store.sessions.create(hostId: host.id, title: "two", now: at(6))
        #expect(second.id != first.id)
        let ghost = UUID()
        await #expect(throws: StoreError.userNotFound(ghost)) {
            _ = try await store.sessions.create(hostId: ghost, title: "x", now: at(0))
        }
    }

    @Test("concurrent creates for one host from two pools on the same file: exactly one succeeds")
    func concurrentCreates() async throws {
        let file = TemporaryDatabase()
        let a = try file.open()
        let b = try file.open()  // a second pool, as a second process would have
        let host = try await a.makeUser("host")
        let outcomes = await withTaskGroup(of: Result<StreamingSession, StoreError>.self) { group in
            for attempt in 0..<16 {
                let store = attempt.isMultiple(of: 2) ? a : b
                group.addTask {
                    do throws(StoreError) {
                        return .success(try await store.sessions.create(hostId: host.id, title: "t\(attempt)", now: at(0)))
                    } catch {
                        return .failure(error)
                    }
                }
            }
            var all: [Result<StreamingSession, StoreError>] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        let winners = outcomes.compactMap { try? $0.get() }
        #expect(winners.count == 1)
        for case .failure(let error) in outcomes {
            guard case .hostAlreadyLive(let hostId, _) = error else {
                Issue.record("unexpected \(error)")
                continue
            }
            #expect(hostId == host.id)
        }
        #expect(try await a.sessions.activeSessions().sessions.map(\.id) == winners.map(\.id))
    }

    @Test("the partial unique index alone refuses a second live session for a host")
    func uniqueIndexRefusesSecondLiveRow() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let host = try await store.makeUser("host")
        let live = try await store.sessions.create(hostId: host.id, title: "live", now: at(0))
        let insert = """
            INSERT INTO streaming_sessions (id, host_id, title, is_private, status, started_at, ended_at)
            VALUES (?, ?, 'raw', 0, ?, 0, ?)
            """
        await #expect(throws: DatabaseError.self) {
            try await store.pool.write { db in
                try db.execute(sql: insert, arguments: [UUID().storeKey, host.id.storeKey, "live", nil])
            }
        }
        // Ended sessions are outside the index: any number may exist beside the live one.
        try await store.pool.write { db in
            try db.execute(sql: insert, arguments: [UUID().storeKey, host.id.storeKey, "ended", 10])
            try db.execute(sql: insert, arguments: [UUID().storeKey, host.id.storeKey, "ended", 10])
        }
        #expect(try await store.sessions.find(id: live.id)?.status == .live)
    }

    @Test("report of a scripted timeline: duration, peak, unique viewers, watch time, guests")
    func reportOfScriptedTimeline() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let host = try await store.makeUser("host")
        let (a, b, c, g) = try await (store.makeUser("a"), store.makeUser("b"), store.makeUser("c"), store.makeUser("g"))
        let s = try await store.sessions.create(hostId: host.id, title: "show", now: at(0)).id
        let join = { (user: User, role: ParticipantRole, t: Double) async throws -> PresenceUpdate in
            try await store.sessions.recordJoin(sessionId: s, userId: user.id, role: role, now: at(t))
        }
        _ = try await join(host, .host, 0)
        _ = try await join(a, .viewer, 10)        // a: 10..70 = 60 s
        _ = try await join(b, .viewer, 20)        // b: 20..50 = 30 s, then 100..160 = 60 s
        _ = try await join(c, .viewer, 30)        // c: 30..160 = 130 s; three viewers at once here
        _ = try await store.sessions.invite(sessionId: s, userId: g.id, now: at(35))
        _ = try await store.sessions.respondToInvite(sessionId: s, userId: g.id, accept: true, now: at(38))
        _ = try await join(g, .guest, 40)
        _ = try await store.sessions.recordLeave(sessionId: s, userId: b.id, now: at(50))
        _ = try await store.sessions.recordLeave(sessionId: s, userId: a.id, now: at(70))
        _ = try await join(b, .viewer, 100)

        // While live, numbers run up to `now`: at 120 s, a 60 + b 30+20 + c 90 = 200 s.
        let live = try await store.sessions.report(sessionId: s, now: at(120))
        #expect(live.status == .live && live.endedAt == nil)
        #expect(live.durationSeconds == 120)
        #expect(live.totalWatchSeconds == 200)
        #expect(live.uniqueViewers == 3 && live.peakViewers == 3)

        let report = try await store.sessions.end(sessionId: s, now: at(160))
        #expect(report.status == .ended && report.endReason == .host && report.endedAt == at(160))
        #expect(report.durationSeconds == 160)
        #expect(report.peakViewers == 3)
        #expect(report.uniqueViewers == 3)
        #expect(report.totalWatchSeconds == 60 + 90 + 130)
        #expect(abs(report.averageWatchSeconds - 280.0 / 3.0) < 1e-9)
        #expect(report.guests == 1)
        #expect(report.messages == 0 && report.gifts == 0)
        // Stored, and read back the same later whatever `now` is.
        #expect(try await store.sessions.report(sessionId: s, now: at(9999)) == report)
        // Every visit is closed at the end time.
        let visits = try await store.sessions.visits(sessionId: s)
        #expect(visits.count == 6)
        #expect(visits.allSatisfy { $0.leftAt != nil })
        let closedAtEnd: Set<UUID> = Set(visits.filter { $0.leftAt == at(160) }.map(\.userId))
        let stillThere: Set<UUID> = [host.id, b.id, c.id, g.id]
        #expect(closedAtEnd == stillThere)
    }

    @Test("a report counts the session's kept text lines: not gift or system lines, not deleted ones")
    func chatMessagesCount() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let host = try await store.makeUser("host")
        let other = try await store.makeUser("other")
        let live = try await store.sessions.create(hostId: host.id, title: "chatty", now: at(0))
        let quiet = try await store.sessions.create(hostId: other.id, title: "quiet", now: at(0))
        var posted: [ChatMessage] = []
        for n in 0..<4 {
            posted.append(try await store.chat.post(sessionId: live.id, authorId: other.id, text: "hi \(n)", now: at(10)).value)
        }
        _ = try await store.chat.post(sessionId: live.id, authorId: nil, text: "welcome", kind: .system, now: at(11))
        _ = try await store.chat.delete(messageId: posted[0].id, by: host.id, now: at(12))
        #expect(try await store.sessions.report(sessionId: live.id, now: at(14)).messages == 3)
        #expect(try await store.sessions.report(sessionId: quiet.id, now: at(14)).messages == 0)
        let ended = try await store.sessions.end(sessionId: live.id, now: at(20))
        #expect(ended.messages == 3)
        #expect(try await store.sessions.report(sessionId: live.id, now: at(30)).messages == 3)
    }

    @Test("an ended session cannot be ended, joined or reported as missing")
    func endedSessionIsClosed() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let host = try await store.makeUser("host")
        let viewer = try await store.makeUser("viewer")
        let s = try await store.sessions.create(hostId: host.id, title: "show", now: at(0)).id
        _ = try await store.sessions.end(sessionId: s, now: at(10))
        #expect(try await store.sessions.find(id: s)?.status == .ended)
        await #expect(throws: StoreError.sessionEnded(s)) {
            _ = try await store.sessions.end(sessionId: s, now: at(11))
        }
        await #expect(throws: StoreError.sessionEnded(s)) {
            _ = try await store.sessions.recordJoin(sessionId: s, userId: viewer.id, role: .viewer, now: at(12))
        }
        #expect(try await store.sessions.activeSessions().sessions.isEmpty)
        let missing = UUID()
        await #expect(throws: StoreError.sessionNotFound(missing)) {
            _ = try await store.sessions.report(sessionId: missing, now: at(0))
        }
    }

    @Test("after a restart, sessions left live are ended as orphaned with reports; others untouched")
    func endOrphanedSessions() async throws {
        let file = TemporaryDatabase()
        let (first, second, done): (UUID, UUID, SessionReport)
        let viewer: User
        do {
            let crashed = try file.open()
            let (h1, h2, h3) = try await (crashed.makeUser("h1"), crashed.makeUser("h2"), crashed.makeUser("h3"))
            viewer = try await crashed.makeUser("viewer")
            first = try await crashed.sessions.create(hostId: h1.id, title: "1", now: at(0)).id
            second = try await crashed.sessions.create(hostId: h2.id, title: "2", now: at(20)).id
            let third = try await crashed.sessions.create(hostId: h3.id, title: "3", now: at(5)).id
            _ = try await crashed.sessions.recordJoin(sessionId: first, userId: viewer.id, role: .viewer, now: at(30))
            done = try await crashed.sessions.end(sessionId: third, now: at(40))
        }
        let restarted = try file.open()
        let reports = try await restarted.sessions.endOrphanedSessions(now: at(100))
        #expect(reports.map(\.sessionId) == [first, second])  // oldest first
        #expect(reports.allSatisfy { $0.status == .ended && $0.endReason == .orphaned && $0.endedAt == at(100) })
        #expect(reports.first?.totalWatchSeconds == 70)
        #expect(reports.first?.uniqueViewers == 1)
        #expect(reports.last?.durationSeconds == 80)
        #expect(try await restarted.sessions.visits(sessionId: first).allSatisfy { $0.leftAt == at(100) })
        #expect(try await restarted.sessions.report(sessionId: done.sessionId, now: at(100)) == done)
        #expect(try await restarted.sessions.activeSessions().sessions.isEmpty)
        #expect(try await restarted.sessions.endOrphanedSessions(now: at(200)).isEmpty)
    }

    @Test("after a crash, orphans end at the last heartbeat or their last join/leave, whichever is later")
    func orphansEndWhenTheServerWasLastAlive() async throws {
        let file = TemporaryDatabase()
        let (quiet, busy, late): (UUID, UUID, UUID)
        do {
            let crashed = try file.open()
            let (h1, h2, h3, viewer) = try await (crashed.makeUser("h1"), crashed.makeUser("h2"),
                                                  crashed.makeUser("h3"), crashed.makeUser("viewer"))
            quiet = try await crashed.sessions.create(hostId: h1.id, title: "quiet", now: at(0)).id
            busy = try await crashed.sessions.create(hostId: h2.id, title: "busy", now: at(10)).id
            try await crashed.sessions.recordServerAlive(now: at(30))
            try await crashed.sessions.recordServerAlive(now: at(50))  // overwrites: one row
            // Between the last heartbeat and the crash: a join, and a session that started.
            _ = try await crashed.sessions.recordJoin(sessionId: busy, userId: viewer.id, role: .viewer, now: at(52))
            late = try await crashed.sessions.create(hostId: h3.id, title: "late", now: at(53)).id
        }
        let restarted = try file.open()
        let reports = try await restarted.sessions.endOrphanedSessions(now: at(3600))
        let ended = Dictionary(uniqueKeysWithValues: reports.map { ($0.sessionId, $0) })
        #expect(ended[quiet]?.endedAt == at(50) && ended[quiet]?.durationSeconds == 50)
        #expect(ended[busy]?.endedAt == at(52) && ended[busy]?.durationSeconds == 42)
        #expect(ended[busy]?.totalWatchSeconds == 0)  // the viewer's visit closes where it began
        #expect(ended[late]?.endedAt == at(53) && ended[late]?.durationSeconds == 0)
        #expect(reports.allSatisfy { $0.endReason == .orphaned })
        #expect(try await restarted.sessions.endOrphanedSessions(now: at(7200)).isEmpty)
    }

    @Test("a heartbeat later than the restart clock (a clock stepped back) never ends a session in the future")
    func orphansNeverEndAfterNow() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let host = try await store.makeUser("host")
        let session = try await store.sessions.create(hostId: host.id, title: "t", now: at(0)).id
        try await store.sessions.recordServerAlive(now: at(500))
        let reports = try await store.sessions.endOrphanedSessions(now: at(100))
        #expect(reports.map(\.sessionId) == [session] && reports.first?.endedAt == at(100))
    }

    @Test("a stopping server ends every live session now, with reports")
    func endLiveSessionsAtShutdown() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let (h1, h2, viewer) = try await (store.makeUser("h1"), store.makeUser("h2"), store.makeUser("viewer"))
        let first = try await store.sessions.create(hostId: h1.id, title: "1", now: at(0)).id
        let second = try await store.sessions.create(hostId: h2.id, title: "2", now: at(10)).id
        _ = try await store.sessions.recordJoin(sessionId: second, userId: viewer.id, role: .viewer, now: at(20))
        try await store.sessions.recordServerAlive(now: at(25))
        let reports = try await store.sessions.endLiveSessions(now: at(30))
        #expect(reports.map(\.sessionId) == [first, second])
        #expect(reports.allSatisfy { $0.endedAt == at(30) && $0.endReason == .serverShutdown })
        #expect(reports.last?.totalWatchSeconds == 10 && reports.last?.uniqueViewers == 1)
        #expect(try await store.sessions.activeSessions().sessions.isEmpty)
        #expect(try await store.sessions.endOrphanedSessions(now: at(40)).isEmpty)
    }

    @Test("a session ends when its host has been gone past the limit, never while the host is there or back in time")
    func abandonedSessionsEnd() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let (h1, h2, h3, h4, viewer) = try await (store.makeUser("h1"), store.makeUser("h2"), store.makeUser("h3"),
                                                  store.makeUser("h4"), store.makeUser("viewer"))
        let never = try await store.sessions.create(hostId: h1.id, title: "never came", now: at(0)).id
        let left = try await store.sessions.create(hostId: h2.id, title: "left", now: at(0)).id
        let present = try await store.sessions.create(hostId: h3.id, title: "present", now: at(0)).id
        let back = try await store.sessions.create(hostId: h4.id, title: "came back", now: at(0)).id
        for (session, host) in [(left, h2), (present, h3), (back, h4)] {
            _ = try await store.sessions.recordJoin(sessionId: session, userId: host.id, role: .host, now: at(1))
        }
        _ = try await store.sessions.recordJoin(sessionId: left, userId: viewer.id, role: .viewer, now: at(2))
        _ = try await store.sessions.recordLeave(sessionId: left, userId: h2.id, now: at(10))
        _ = try await store.sessions.recordLeave(sessionId: back, userId: h4.id, now: at(10))
        _ = try await store.sessions.recordJoin(sessionId: back, userId: h4.id, role: .host, now: at(50))

        // At 65 with a 60 s limit: "never" (started at 0) has waited long enough; "left" has not.
        let first = try await store.sessions.endAbandonedSessions(hostAbsentSince: at(5), now: at(65))
        #expect(first.map(\.sessionId) == [never] && first.first?.endReason == .hostLeft)
        let second = try await store.sessions.endAbandonedSessions(hostAbsentSince: at(11), now: at(71))
        #expect(second.map(\.sessionId) == [left])
        #expect(second.first?.endedAt == at(71) && second.first?.totalWatchSeconds == 69)
        // A host with an open visit keeps the session however long ago it started or they left before.
        #expect(try await store.sessions.endAbandonedSessions(hostAbsentSince: at(1000), now: at(1060)).isEmpty)
        #expect(try await store.sessions.find(id: present)?.status == .live)
        #expect(try await store.sessions.find(id: back)?.status == .live)
    }
}
