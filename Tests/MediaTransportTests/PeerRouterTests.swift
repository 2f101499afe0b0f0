import ICE
import STUN
import Testing
@testable import MediaTransport

@Suite("routing table: an address is bound only by a valid check")
struct PeerRouterTests {
    /// A peer as the router sees it: an ICE-lite agent with the server's credentials.
    final class Peer {
        var agent: ICELiteAgent
        init(local: ICECredentials, remote: ICECredentials) { agent = ICELiteAgent(local: local, remote: remote) }
    }

    let server = ICECredentials.random()
    let client = ICECredentials.random()
    let addressA = TransportAddress(ipv4: 192, 0, 2, 1, port: 40_000)
    let addressB = TransportAddress(ipv4: 198, 51, 100, 7, port: 51_000)

    func check(username: String? = nil, password: String? = nil, nominate: Bool = true) throws -> [UInt8] {
        var attributes: [STUNAttribute] = [.username(username ?? "\(server.ufrag):\(client.ufrag)"), .priority(100),
                                           .iceControlling(42)]
        if nominate { attributes.append(.useCandidate) }
        return try STUNMessage(type: .bindingRequest, transactionID: .random(), attributes: attributes)
            .encode(integrityKey: .shortTerm(password: password ?? server.password), fingerprint: true)
    }

    func route(_ router: inout PeerRouter<Peer>, _ datagram: [UInt8], from source: TransportAddress) -> PeerRouter<Peer>.STUNRoute {
        datagram.withUnsafeBytes { raw in
            router.routeUnboundSTUN(raw, from: source) { peer in
                peer.agent.handle(datagram: raw, from: source, at: .seconds(1))
                return peer.agent.isAuthorized(source)
            }.0
        }
    }

    func makeRouter() -> (PeerRouter<Peer>, Peer) {
        var router = PeerRouter<Peer>()
        let peer = Peer(local: server, remote: client)
        let registered = router.register(ufrag: server.ufrag, for: peer)
        #expect(registered)
        return (router, peer)
    }

    @Test("a valid check from an unknown address binds it to the ufrag's owner")
    func validCheckBinds() throws {
        var (router, peer) = makeRouter()
        #expect(router.peer(for: addressA) == nil)
        #expect(route(&router, try check(), from: addressA) == .bound)
        #expect(router.peer(for: addressA) === peer)
        #expect(router.addressCount == 1)
    }

    @Test("checks with a wrong password or a wrong remote ufrag never bind")
    func invalidNeverBinds() throws {
        var (router, _) = makeRouter()
        #expect(route(&router, try check(password: "wrongwrongwrongwrongwrong"), from: addressA) == .rejected)
        #expect(route(&router, try check(username: "\(server.ufrag):someoneelse"), from: addressA) == .rejected)
        #expect(router.peer(for: addressA) == nil)
        #expect(router.addressCount == 0)
    }

    @Test("STUN naming no ufrag of ours (or none at all) is unknown and binds nothing")
    func unknownUfrag() throws {
        var (router, _) = makeRouter()
        #expect(route(&router, try check(username: "abcdefgh:\(client.ufrag)"), from: addressA) == .unknownUfrag)
        #expect(route(&router, try check(username: "short:\(client.ufrag)"), from: addressA) == .unknownUfrag)
        let noUsername = try STUNMessage(type: .bindingRequest, transactionID: .random(), attributes: []).encode()
        #expect(route(&router, noUsername, from: addressA) == .unknownUfrag)
        #expect(router.addressCount == 0)
    }

    @Test("after a valid check, a valid check from a new address (NAT rebinding) binds it too; an invalid one does not")
    func rebinding() throws {
        var (router, peer) = makeRouter()
        #expect(route(&router, try check(), from: addressA) == .bound)
        let addressC = TransportAddress(ipv4: 203, 0, 113, 9, port: 1234)
        #expect(route(&router, try check(password: "wrongwrongwrongwrongwrong"), from: addressC) == .rejected)
        #expect(router.peer(for: addressC) == nil)
        #expect(route(&router, try check(), from: addressB) == .bound)
        #expect(router.peer(for: addressB) === peer)
        #expect(peer.agent.selectedAddress == addressB, "the nominating check moved media to the new path")
        #expect(Set(router.addresses(of: peer)) == [addressA, addressB])
    }

    @Test("ufrags: only our 8-character ones register, once; removing a peer removes its addresses and ufrags")
    func registration() throws {
        var (router, peer) = makeRouter()
        let other = Peer(local: server, remote: client)
        let taken = router.register(ufrag: server.ufrag, for: other)
        let foreign = router.register(ufrag: "abc", for: other)
        #expect(!taken, "taken")
        #expect(!foreign, "not one of ours")
        #expect(route(&router, try check(), from: addressA) == .bound)
        router.removeAll(of: peer)
        #expect(router.addressCount == 0)
        #expect(router.ufragCount == 0)
        #expect(route(&router, try check(), from: addressB) == .unknownUfrag)
    }
}
