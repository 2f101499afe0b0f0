import Foundation
import Testing
@testable import Store

@Suite("Sessions: admission, joins and leaves, co-hosts, kicks")
struct SessionPresenceTests {
    @Test("join, leave, reconnect: unique viewers count people, peak counts concurrency")
    func joinLeaveRejoinCounting() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let host = try await store.makeUser("host")
        let (a, b, c) = try await (store.makeUser("a"), store.makeUser("b"), store.makeUser("c"))
        let s = try await store.sessions.create(hostId: host.id, title: "t", now: at(0)).id

        let first = try await store.sessions.recordJoin(sessionId: s, userId: a.id, role: .viewer, now: at(1))
        #expect(first.changed && first.viewerCount == 1)
        // A reconnect without a leave in between (new socket before the old one timed out).
        let again = try await store.sessions.recordJoin(sessionId: s, userId: a.id, role: .viewer, now: at(2))
        #expect(!again.changed && again.viewerCount == 1 && again.visit.joinedAt == at(1))
        let withB = try await store.sessions.recordJoin(sessionId: s, userId: b.id, role: .viewer, now: at(3))
        #expect(withB.viewerCount == 2)
        let left = try #require(try await store.sessions.recordLeave(sessionId: s, userId: a.id, now: at(4)))
        #expect(left.viewerCount == 1 && left.visit.leftAt == at(4))
        #expect(try await store.sessions.recordLeave(sessionId: s, userId: a.id, now: at(5)) == nil)
        _ = try await store.sessions.recordJoin(sessionId: s, userId: a.id, role: .viewer, now: at(6))
        _ = try await store.sessions.recordLeave(sessionId: s, userId: a.id, now: at(7))
        _ = try await store.sessions.recordLeave(sessionId: s, userId: b.id, now: at(8))
        // One viewer at a time afterwards does not lower the peak.
        _ = try await store.sessions.recordJoin(sessionId: s, userId: c.id, role: .viewer, now: at(9))

        let report = try await store.sessions.report(sessionId: s, now: at(10))
        #expect(report.uniqueViewers == 3)
        #expect(report.peakViewers == 2)
        #expect(report.totalWatchSeconds == 3 + 1 + 5 + 1)  // a 1..4, a 6..7, b 3..8, c 9..10
        #expect(try await store.sessions.visits(sessionId: s).count == 4)
    }

    @Test("admission: host, follower, invited, accepted guest, outsider, banned, ended, unknown")
    func admissionRules() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let (host, fan, invited, guest, outsider) = try await (
            store.makeUser("host"), store.makeUser("fan"), store.makeUser("invited"), store.makeUser("guest"),
            store.makeUser("outsider"))
        let s = try await store.sessions.create(hostId: host.id, title: "t", isPrivate: true, now: at(0)).id
        try await store.users.follow(followerId: fan.id, followeeId: host.id, now: at(0))
        _ = try await store.sessions.invite(sessionId: s, userId: invited.id, now: at(1))
        _ = try await store.sessions.invite(sessionId: s, userId: guest.id, now: at(1))
        _ = try await store.sessions.respondToInvite(sessionId: s, userId: guest.id, accept: true, now: at(2))

        #expect(try await store.sessions.admit(sessionId: s, userId: host.id).role == .host)
        #expect(try await store.sessions.admit(sessionId: s, userId: fan.id).role == .viewer)
        #expect(try await store.sessions.admit(sessionId: s, userId: invited.id).role == .viewer)
        #expect(try await store.sessions.admit(sessionId: s, userId: guest.id).role == .guest)
        await #expect(throws: StoreError.notAdmitted(sessionId: s, userId: outsider.id)) {
            _ = try await store.sessions.admit(sessionId: s, userId: outsider.id)
        }
        await #expect(throws: StoreError.notAdmitted(sessionId: s, userId: outsider.id)) {
            _ = try await store.sessions.recordJoin(sessionId: s, userId: outsider.id, role: .viewer, now: at(3))
        }
        // Roles beyond what admission gives are refused.
        await #expect(throws: StoreError.roleNotAllowed(sessionId: s, userId: fan.id, role: .guest)) {
            _ = try await store.sessions.recordJoin(sessionId: s, userId: fan.id, role: .guest, now: at(3))
        }
        await #expect(throws: StoreError.roleNotAllowed(sessionId: s, userId: guest.id, role: .host)) {
            _ = try await store.sessions.recordJoin(sessionId: s, userId: guest.id, role: .host, now: at(3))
        }
        await #expect(throws: StoreError.roleNotAllowed(sessionId: s, userId: host.id, role: .viewer)) {
            _ = try await store.sessions.recordJoin(sessionId: s, userId: host.id, role: .viewer, now: at(3))
        }
        let missing = UUID()
        await #expect(throws: StoreError.sessionNotFound(missing)) {
            _ = try await store.sessions.admit(sessionId: missing, userId: fan.id)
        }
        _ = try await store.sessions.end(sessionId: s, now: at(9))
        await #expect(throws: StoreError.sessionEnded(s)) {
            _ = try await store.sessions.admit(sessionId: s, userId: fan.id)
        }
    }

    @Test("co-hosting: invite, accept within the guest limit, decline, re-invite, remove back to viewer")
    func inviteFlow() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let (host, g1, g2, g3) = try await (store.makeUser("host"), store.makeUser("g1"), store.makeUser("g2"),
                                            store.makeUser("g3"))
        let s = try await store.sessions.create(hostId: host.id, title: "t", now: at(0)).id
        await #expect(throws: StoreError.hostCannotBeTarget) {
            _ = try await store.sessions.invite(sessionId: s, userId: host.id, now: at(1))
        }
        await #expect(throws: StoreError.inviteNotFound(sessionId: s, userId: g1.id)) {
            _ = try await store.sessions.respondToInvite(sessionId: s, userId: g1.id, accept: true, now: at(1))
        }
        for user in [g1, g2, g3] {
            #expect(try await store.sessions.invite(sessionId: s, userId: user.id, now: at(1)).status == .pending)
        }
        #expect(try await store.sessions.pendingInvites(userId: g1.id).map(\.sessionId) == [s])

        let accepted = try await store.sessions.respondToInvite(sessionId: s, userId: g1.id, accept: true,
                                                                maxGuests: 1, now: at(2))
        #expect(accepted.status == .accepted && accepted.updatedAt == at(2) && accepted.createdAt == at(1))
        #expect(try await store.sessions.pendingInvites(userId: g1.id).isEmpty)
        // Accepting twice is the same answer, not a second guest slot.
        #expect(try await store.sessions.respondToInvite(sessionId: s, userId: g1.id, accept: true, maxGuests: 1,
                                                         now: at(3)) == accepted)
        await #expect(throws: StoreError.guestLimitReached(limit: 1)) {
            _ = try await store.sessions.respondToInvite(sessionId: s, userId: g2.id, accept: true, maxGuests: 1,
                                                         now: at(3))
        }
        #expect(try await store.sessions.respondToInvite(sessionId: s, userId: g3.id, accept: false,
                                                         now: at(3)).status == .declined)
        await #expect(throws: StoreError.inviteNotFound(sessionId: s, userId: g3.id)) {
            _ = try await store.sessions.respondToInvite(sessionId: s, userId: g3.id, accept: true, now: at(4))
        }
        #expect(try await store.sessions.invite(sessionId: s, userId: g3.id, now: at(5)).status == .pending)

        // g1 goes on stage, then is removed: the guest visit ends and a viewer visit begins.
        _ = try await store.sessions.recordJoin(sessionId: s, userId: g1.id, role: .viewer, now: at(6))
        let onStage = try await store.sessions.recordJoin(sessionId: s, userId: g1.id, role: .guest, now: at(7))
        #expect(onStage.changed && onStage.guestCount == 1 && onStage.viewerCount == 0)
        #expect(try await store.sessions.removeGuest(sessionId: s, userId: g1.id, now: at(8)).status == .removed)
        let visits = try await store.sessions.visits(sessionId: s)
        #expect(visits.map(\.role) == [.viewer, .guest, .viewer])
        #expect(visits.map(\.leftAt) == [at(7), at(8), nil])
        await #expect(throws: StoreError.notAGuest(sessionId: s, userId: g1.id)) {
            _ = try await store.sessions.removeGuest(sessionId: s, userId: g1.id, now: at(9))
        }
        // A removed guest may not come back on stage, but the freed slot lets g2 accept.
        await #expect(throws: StoreError.roleNotAllowed(sessionId: s, userId: g1.id, role: .guest)) {
            _ = try await store.sessions.recordJoin(sessionId: s, userId: g1.id, role: .guest, now: at(9))
        }
        #expect(try await store.sessions.respondToInvite(sessionId: s, userId: g2.id, accept: true, maxGuests: 1,
                                                         now: at(9)).status == .accepted)
    }

    @Test("a kicked user is out: visit closed, invite removed, joining again refused")
    func kickKeepsUserOut() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let (host, troll) = try await (store.makeUser("host"), store.makeUser("troll"))
        let s = try await store.sessions.create(hostId: host.id, title: "t", now: at(0)).id
        _ = try await store.sessions.invite(sessionId: s, userId: troll.id, now: at(1))
        _ = try await store.sessions.respondToInvite(sessionId: s, userId: troll.id, accept: true, now: at(1))
        _ = try await store.sessions.recordJoin(sessionId: s, userId: troll.id, role: .guest, now: at(2))

        #expect(try await !store.sessions.isBanned(sessionId: s, userId: troll.id))
        #expect(try await store.sessions.ban(sessionId: s, userId: troll.id, now: at(5)))
        #expect(try await !store.sessions.ban(sessionId: s, userId: troll.id, now: at(6)))
        #expect(try await store.sessions.isBanned(sessionId: s, userId: troll.id))
        #expect(try await store.sessions.visits(sessionId: s).map(\.leftAt) == [at(5)])
        #expect(try await store.sessions.invite(sessionId: s, userId: troll.id)?.status == .removed)
        for role in [ParticipantRole.viewer, .guest] {
            await #expect(throws: StoreError.banned(sessionId: s, userId: troll.id)) {
                _ = try await store.sessions.recordJoin(sessionId: s, userId: troll.id, role: role, now: at(7))
            }
        }
        await #expect(throws: StoreError.banned(sessionId: s, userId: troll.id)) {
            _ = try await store.sessions.invite(sessionId: s, userId: troll.id, now: at(7))
        }
        await #expect(throws: StoreError.hostCannotBeTarget) {
            try await store.sessions.ban(sessionId: s, userId: host.id, now: at(7))
        }
    }
}
