import SFU
import Synchronization
import Testing
@testable import Signaling

@Suite struct SignalingHubTests {
    /// Collects the notices one member receives.
    final class Inbox: Sendable {
        private let notices = Mutex<[SignalingHub.Notice]>([])
        var received: [SignalingHub.Notice] { notices.withLock { $0 } }
        var sink: SignalingHub.Sink { { notice in self.notices.withLock { $0.append(notice) } } }
        var membership: [SignalingHub.Notice] {
            received.filter { if case .event = $0 { false } else { true } }
        }
        var events: [LiveSessionEvent] { received.compactMap { if case .event(let e) = $0 { e } else { nil } } }
    }

    @Test func membersHearAboutArrivalsAndDeparturesInTheirRoomOnly() async throws {
        let hub = SignalingHub()
        let a = ParticipantInfo(participant: "p-a", user: "alice", role: .host)
        let b = ParticipantInfo(participant: "p-b", user: "bob", role: .viewer)
        let c = ParticipantInfo(participant: "p-c", user: "carol", role: .guest)
        let inboxA = Inbox(), inboxB = Inbox(), inboxC = Inbox()
        #expect(try await hub.join(room: "r1", a, sink: inboxA.sink).isEmpty)
        #expect(try await hub.join(room: "r1", b, sink: inboxB.sink) == [a])
        #expect(try await hub.join(room: "r2", c, sink: inboxC.sink).isEmpty)
        #expect(inboxA.membership == [.participantJoined(b)])
        #expect(inboxB.membership.isEmpty)
        #expect(inboxC.membership.isEmpty)
        #expect(await hub.participants(in: "r1") == [a, b])

        await hub.leave(room: "r1", participant: "p-b")
        await hub.leave(room: "r1", participant: "p-b")  // twice: no second notice
        #expect(inboxA.membership == [.participantJoined(b), .participantLeft(b)])
        #expect(await hub.roomCount == 2)
        await hub.leave(room: "r1", participant: "p-a")
        await hub.leave(room: "r2", participant: "p-c")
        #expect(await hub.roomCount == 0)
        #expect(inboxC.events == [.guestJoined(user: "carol", guestCount: 1)])
    }

    @Test func membersWithoutASocketStillCount() async throws {
        let hub = SignalingHub()
        let whip = ParticipantInfo(participant: "p-w", user: "wendy", role: .guest)
        let socket = Inbox()
        try await hub.join(room: "r", whip, sink: nil)
        #expect(try await hub.join(room: "r", ParticipantInfo(participant: "p-s", user: "sam", role: .viewer), sink: socket.sink) == [whip])
        await hub.flushViewerEvent(in: "r")  // what the interval's timer does
        await hub.leave(room: "r", participant: "p-w")
        #expect(socket.membership == [.participantLeft(whip)])
        #expect(socket.events == [.viewerJoined(user: "sam", viewerCount: 1), .guestLeft(user: "wendy", guestCount: 0)])
    }

    @Test func viewersAreCountedOncePerUserAcrossTabsAndOverlappingReconnects() async throws {
        let hub = SignalingHub()
        let host = Inbox()
        try await hub.join(room: "r", ParticipantInfo(participant: "p-h", user: "hana", role: .host), sink: host.sink)
        try await hub.join(room: "r", ParticipantInfo(participant: "p-1", user: "vic", role: .viewer), sink: nil)
        // A reconnect: the new socket joins before the old one is noticed gone.
        try await hub.join(room: "r", ParticipantInfo(participant: "p-2", user: "vic", role: .viewer), sink: nil)
        try await hub.join(room: "r", ParticipantInfo(participant: "p-3", user: "wes", role: .viewer), sink: nil)
        #expect(await hub.counts(in: "r").viewers == 2)
        await hub.leave(room: "r", participant: "p-1")
        #expect(await hub.counts(in: "r").viewers == 2, "vic is still there on p-2")
        await hub.leave(room: "r", participant: "p-2")
        #expect(await hub.counts(in: "r").viewers == 1)
        #expect(host.events == [.viewerJoined(user: "vic", viewerCount: 1), .viewerJoined(user: "wes", viewerCount: 2),
                                .viewerLeft(user: "vic", viewerCount: 1)])
    }

    @Test func presenceChangesFollowUsersNotConnections() async throws {
        let hub = SignalingHub()
        try await hub.join(room: "r", ParticipantInfo(participant: "p-1", user: "vic", role: .viewer), sink: nil)
        try await hub.join(room: "r", ParticipantInfo(participant: "p-2", user: "vic", role: .viewer), sink: nil)
        await hub.leave(room: "r", participant: "p-1")
        await hub.leave(room: "r", participant: "p-2")
        var changes = hub.presence.makeAsyncIterator()
        #expect(await changes.next() == PresenceChange(room: "r", user: "vic", role: .viewer, kind: .joined))
        #expect(await changes.next() == PresenceChange(room: "r", user: "vic", role: .viewer, kind: .left))
    }

    @Test func aKickedUserIsToldToGoAndCannotComeBackWhileOthersCan() async throws {
        let hub = SignalingHub()
        let kicked = Inbox(), other = Inbox()
        try await hub.join(room: "r", ParticipantInfo(participant: "p-k", user: "kim", role: .viewer), sink: kicked.sink)
        try await hub.join(room: "r", ParticipantInfo(participant: "p-o", user: "olu", role: .viewer), sink: other.sink)
        let gone = await hub.ban(user: "kim", from: "r")
        #expect(gone.map(\.participant) == ["p-k"])
        #expect(kicked.received.last == .removed(.kicked))
        #expect(!other.received.contains(.removed(.kicked)))
        await hub.leave(room: "r", participant: "p-k")
        await #expect(throws: AdmissionRefusal.kicked) {
            try await hub.join(room: "r", ParticipantInfo(participant: "p-k2", user: "kim", role: .viewer), sink: nil)
        }
        #expect(await hub.admission(room: "r", user: "olu", role: .viewer) == nil)
        #expect(await hub.admission(room: "other", user: "kim", role: .viewer) == nil, "a ban is per room")
    }

    @Test func endingARoomTellsEveryoneThenRefusesItsTokens() async throws {
        let hub = SignalingHub(endedMemory: 2)
        let a = Inbox(), b = Inbox()
        try await hub.join(room: "r", ParticipantInfo(participant: "p-a", user: "ann", role: .host), sink: a.sink)
        try await hub.join(room: "r", ParticipantInfo(participant: "p-b", user: "ben", role: .viewer), sink: b.sink)
        let ended = LiveSessionEvent.sessionEnded(reason: "host_ended", report: nil)
        #expect(await hub.end(room: "r", event: ended).count == 2)
        for inbox in [a, b] { #expect(Array(inbox.received.suffix(2)) == [.event(ended), .removed(.sessionEnded)]) }
        #expect(await hub.admission(room: "r", user: "ben", role: .viewer) == .sessionEnded)
        // The memory of ended rooms is bounded: the oldest is forgotten.
        await hub.end(room: "s", event: ended)
        await hub.end(room: "t", event: ended)
        #expect(await hub.admission(room: "r", user: "ben", role: .viewer) == nil)
        #expect(await hub.admission(room: "t", user: "ben", role: .viewer) == .sessionEnded)
    }

    @Test func aDemotedGuestCountsAsAViewerAndIsTold() async throws {
        let hub = SignalingHub()
        let guest = Inbox(), host = Inbox()
        try await hub.join(room: "r", ParticipantInfo(participant: "p-h", user: "hal", role: .host), sink: host.sink)
        try await hub.join(room: "r", ParticipantInfo(participant: "p-g", user: "gia", role: .guest), sink: guest.sink)
        let changed = await hub.changeRole(of: "gia", in: "r", to: .viewer)
        #expect(changed == [ParticipantInfo(participant: "p-g", user: "gia", role: .viewer)])
        #expect(guest.received.contains(.roleChanged(.viewer)))
        let counts = await hub.counts(in: "r")
        #expect(counts.guests == 0 && counts.viewers == 1)
        #expect(host.events.suffix(2) == [.guestLeft(user: "gia", guestCount: 0), .viewerJoined(user: "gia", viewerCount: 1)])
        // Her old guest token no longer opens the room as a guest, until a new invite is accepted.
        #expect(await hub.admission(room: "r", user: "gia", role: .guest) == .guestRevoked)
        #expect(await hub.admission(room: "r", user: "gia", role: .viewer) == nil)
        await hub.restoreGuest("gia", in: "r")
        #expect(await hub.admission(room: "r", user: "gia", role: .guest) == nil)
    }

    @Test func viewersHearAboutTheStageOnlyAndTheStageHearsAboutEveryone() async throws {
        let hub = SignalingHub()
        let host = ParticipantInfo(participant: "p-h", user: "hal", role: .host)
        let guest = ParticipantInfo(participant: "p-g", user: "gia", role: .guest)
        let v1 = ParticipantInfo(participant: "p-1", user: "vic", role: .viewer)
        let v2 = ParticipantInfo(participant: "p-2", user: "wes", role: .viewer)
        let hostInbox = Inbox(), guestInbox = Inbox(), v1Inbox = Inbox(), v2Inbox = Inbox()
        try await hub.join(room: "r", host, sink: hostInbox.sink)
        #expect(try await hub.join(room: "r", v1, sink: v1Inbox.sink) == [host])
        #expect(try await hub.join(room: "r", guest, sink: guestInbox.sink) == [v1, host], "the stage sees everyone")
        #expect(try await hub.join(room: "r", v2, sink: v2Inbox.sink) == [guest, host], "a viewer sees the stage")
        await hub.leave(room: "r", participant: "p-1")
        #expect(hostInbox.membership == [.participantJoined(v1), .participantJoined(guest), .participantJoined(v2),
                                         .participantLeft(v1)])
        #expect(guestInbox.membership == [.participantJoined(v2), .participantLeft(v1)])
        #expect(v1Inbox.membership == [.participantJoined(guest)])
        #expect(v2Inbox.membership.isEmpty)
        #expect(await hub.participants(in: "r") == [v2, guest, host])  // by participant id
    }

    @Test func viewersGetTheLatestCountOncePerIntervalWhileTheStageGetsEachChange() async throws {
        let hub = SignalingHub(viewerEventInterval: .seconds(3600))  // flushed by hand below
        let host = Inbox(), watcher = Inbox()
        try await hub.join(room: "r", ParticipantInfo(participant: "p-h", user: "hal", role: .host), sink: host.sink)
        try await hub.join(room: "r", ParticipantInfo(participant: "p-w", user: "wat", role: .viewer), sink: watcher.sink)
        for i in 0..<5 {
            try await hub.join(room: "r", ParticipantInfo(participant: "p-\(i)", user: "u\(i)", role: .viewer), sink: nil)
        }
        await hub.leave(room: "r", participant: "p-0")
        #expect(host.events.count == 7)
        #expect(host.events.last == .viewerLeft(user: "u0", viewerCount: 5))
        #expect(watcher.events.isEmpty, "nothing before the interval ends")
        await hub.flushViewerEvent(in: "r")
        #expect(watcher.events == [.viewerLeft(user: "u0", viewerCount: 5)])
        await hub.flushViewerEvent(in: "r")
        #expect(watcher.events.count == 1, "no change, no second event")
    }

    @Test func theViewerCountReachesViewersByItself() async throws {
        let hub = SignalingHub(viewerEventInterval: .milliseconds(20))
        let watcher = Inbox()
        try await hub.join(room: "r", ParticipantInfo(participant: "p-w", user: "wat", role: .viewer), sink: watcher.sink)
        try await hub.join(room: "r", ParticipantInfo(participant: "p-2", user: "two", role: .viewer), sink: nil)
        let latest = LiveSessionEvent.viewerJoined(user: "two", viewerCount: 2)
        for _ in 0..<500 where watcher.events.last != latest { try await Task.sleep(for: .milliseconds(10)) }
        #expect(watcher.events.last == latest)
    }
}
