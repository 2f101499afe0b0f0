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
    }

    @Test func membersHearAboutArrivalsAndDeparturesInTheirRoomOnly() async {
        let hub = SignalingHub()
        let a = ParticipantInfo(participant: "p-a", user: "alice", role: .host)
        let b = ParticipantInfo(participant: "p-b", user: "bob", role: .viewer)
        let c = ParticipantInfo(participant: "p-c", user: "carol", role: .guest)
        let inboxA = Inbox(), inboxB = Inbox(), inboxC = Inbox()
        #expect(await hub.join(room: "r1", a, sink: inboxA.sink).isEmpty)
        #expect(await hub.join(room: "r1", b, sink: inboxB.sink) == [a])
        #expect(await hub.join(room: "r2", c, sink: inboxC.sink).isEmpty)
        #expect(inboxA.received == [.participantJoined(b)])
        #expect(inboxB.received.isEmpty)
        #expect(inboxC.received.isEmpty)
        #expect(await hub.participants(in: "r1") == [a, b])

        await hub.leave(room: "r1", participant: "p-b")
        await hub.leave(room: "r1", participant: "p-b")  // twice: no second notice
        #expect(inboxA.received == [.participantJoined(b), .participantLeft(b)])
        #expect(await hub.roomCount == 2)
        await hub.leave(room: "r1", participant: "p-a")
        await hub.leave(room: "r2", participant: "p-c")
        #expect(await hub.roomCount == 0)
        #expect(inboxC.received.isEmpty)
    }

    @Test func membersWithoutASocketStillCount() async {
        let hub = SignalingHub()
        let whip = ParticipantInfo(participant: "p-w", user: "wendy", role: .guest)
        let socket = Inbox()
        await hub.join(room: "r", whip, sink: nil)
        #expect(await hub.join(room: "r", ParticipantInfo(participant: "p-s", user: "sam", role: .viewer), sink: socket.sink) == [whip])
        await hub.leave(room: "r", participant: "p-w")
        #expect(socket.received == [.participantLeft(whip)])
    }
}
