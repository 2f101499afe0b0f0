import ICE
import SFU
import STUN
import Testing
@testable import MediaTransport

@Suite("peer registry: one insert files a peer under every key, one remove takes it out of all")
struct PeerRegistryTests {
    final class Peer: RegisteredPeer {
        let id: PeerSessionID
        let participantID: ParticipantID
        let roomName: String
        var agent: ICELiteAgent
        let credentials = ICECredentials.random()
        init(_ n: UInt64, room: String, remote: ICECredentials) {
            id = PeerSessionID("s\(n)")
            participantID = ParticipantID(n)
            roomName = room
            agent = ICELiteAgent(local: credentials, remote: remote)
        }
    }

    let client = ICECredentials.random()
    let address = TransportAddress(ipv4: 192, 0, 2, 1, port: 40_000)

    func check(to peer: Peer) throws -> [UInt8] {
        try STUNMessage(type: .bindingRequest, transactionID: .random(),
                        attributes: [.username("\(peer.credentials.ufrag):\(client.ufrag)"), .priority(100),
                                     .iceControlling(42), .useCandidate])
            .encode(integrityKey: .shortTerm(password: peer.credentials.password), fingerprint: true)
    }

    func bind(_ registry: PeerRegistry<Peer>, _ peer: Peer, from source: TransportAddress) throws -> PeerRouter<Peer>.STUNRoute {
        try check(to: peer).withUnsafeBytes { raw in
            registry.routeUnboundSTUN(raw, from: source) { owner in
                owner.agent.handle(datagram: raw, from: source, at: .seconds(1))
                return owner.agent.isAuthorized(source)
            }.0
        }
    }

    @Test("every key finds the peer after insert, none after remove")
    func insertAndRemove() throws {
        let registry = PeerRegistry<Peer>()
        let a = Peer(1, room: "r", remote: client)
        let b = Peer(2, room: "r", remote: client)
        #expect(registry.insert(a, ufrag: a.credentials.ufrag))
        #expect(registry.insert(b, ufrag: b.credentials.ufrag))
        #expect(try bind(registry, a, from: address) == .bound)

        #expect(registry.peer(session: a.id) === a)
        #expect(registry.peer(participant: a.participantID) === a)
        #expect(registry.peer(for: address) === a)
        #expect(registry.members(ofRoom: "r").map(\.participantID) == [1, 2])
        #expect(registry.isUfragTaken(a.credentials.ufrag))

        registry.remove(a)
        #expect(registry.peer(session: a.id) == nil)
        #expect(registry.peer(participant: a.participantID) == nil)
        #expect(registry.peer(for: address) == nil)
        #expect(!registry.isUfragTaken(a.credentials.ufrag))
        #expect(registry.members(ofRoom: "r").map(\.participantID) == [2])
        #expect(registry.router.addressCount == 0)

        registry.remove(b)
        #expect(registry.isEmpty)
        #expect(!registry.hasMembers(inRoom: "r"))
        #expect(registry.router.ufragCount == 0)
        registry.remove(b)  // twice is harmless
        #expect(registry.count == 0)
    }

    @Test("a second peer with a known session, participant or ufrag is refused whole")
    func duplicatesRefused() {
        let registry = PeerRegistry<Peer>()
        let a = Peer(1, room: "r", remote: client)
        #expect(registry.insert(a, ufrag: a.credentials.ufrag))
        let sameParticipant = Peer(1, room: "other", remote: client)
        #expect(!registry.insert(sameParticipant, ufrag: sameParticipant.credentials.ufrag))
        #expect(!registry.isUfragTaken(sameParticipant.credentials.ufrag), "nothing of the refused peer was filed")
        #expect(!registry.hasMembers(inRoom: "other"))
        let c = Peer(3, room: "r", remote: client)
        #expect(!registry.insert(c, ufrag: a.credentials.ufrag), "ufrag taken")
        #expect(registry.peer(participant: 3) == nil)
        #expect(!registry.insert(c, ufrag: "short"), "not one of our ufrags")
        #expect(registry.count == 1)
    }

    @Test("an ICE restart moves the peer to its new ufrag only; a taken ufrag is refused")
    func ufragChange() {
        let registry = PeerRegistry<Peer>()
        let a = Peer(1, room: "r", remote: client)
        let b = Peer(2, room: "r", remote: client)
        #expect(registry.insert(a, ufrag: a.credentials.ufrag))
        #expect(registry.insert(b, ufrag: b.credentials.ufrag))
        let fresh = ICECredentials.random().ufrag
        #expect(registry.changeUfrag(of: a, from: a.credentials.ufrag, to: fresh))
        #expect(!registry.isUfragTaken(a.credentials.ufrag))
        #expect(registry.isUfragTaken(fresh))
        #expect(!registry.changeUfrag(of: a, from: fresh, to: b.credentials.ufrag))
        #expect(registry.isUfragTaken(fresh), "a refused change keeps the old ufrag")
    }

    @Test("only the peer an address routes to can revoke it")
    func unbindByOwnerOnly() throws {
        let registry = PeerRegistry<Peer>()
        let a = Peer(1, room: "r", remote: client)
        let b = Peer(2, room: "q", remote: client)
        #expect(registry.insert(a, ufrag: a.credentials.ufrag))
        #expect(registry.insert(b, ufrag: b.credentials.ufrag))
        #expect(try bind(registry, a, from: address) == .bound)
        registry.unbind(address, of: b)
        #expect(registry.peer(for: address) === a)
        registry.unbind(address, of: a)
        #expect(registry.peer(for: address) == nil)
    }
}
