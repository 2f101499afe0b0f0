// Selection follows the controlling peer's nominations; new addresses are authorized by valid
// checks but carry media only once nominated.

import ICE
import STUN
import TestSupport
import Testing

@Suite("ICE-lite nomination")
struct ICENominationTests {
    var rng = SeededGenerator(seed: 0xA0A0)
    var peer = TestPeer(seed: 0xB0B0)
    var clock = VirtualClock()
    let local: ICECredentials
    let wifi = TransportAddress(ipv4: 192, 0, 2, 10, port: 50_000)
    let rebound = TransportAddress(ipv4: 192, 0, 2, 10, port: 50_123)
    let cellular = TransportAddress(ipv4: 203, 0, 113, 5, port: 7000)

    init() {
        local = ICECredentials.random(using: &rng)
    }

    @Test("USE-CANDIDATE on a valid check selects the address and connects")
    mutating func nominationSelects() {
        var agent = ICELiteAgent(local: local)
        agent.handle(datagram: peer.check(to: local, useCandidate: true), from: wifi, at: clock.now)
        let outputs = agent.drain()
        #expect(outputs.transmitted.count == 1)
        #expect(outputs.events == [.selected(wifi), .stateChanged(.connected)])
        #expect(agent.selectedAddress == wifi)
        #expect(agent.state == .connected)
        #expect(agent.isAuthorized(wifi))
        #expect(!agent.isAuthorized(cellular))
    }

    @Test("checks without USE-CANDIDATE, then the nomination: checking, then connected")
    mutating func checkThenNominate() {
        var agent = ICELiteAgent(local: local)
        agent.handle(datagram: peer.check(to: local), from: wifi, at: clock.now)
        #expect(agent.drain().events == [.stateChanged(.checking)])
        clock.advance(by: .milliseconds(50))
        agent.handle(datagram: peer.check(to: local, useCandidate: true), from: wifi, at: clock.now)
        #expect(agent.drain().events == [.selected(wifi), .stateChanged(.connected)])
    }

    @Test("repeated nominations of the selected address report nothing new")
    mutating func repeatedNomination() {
        var agent = ICELiteAgent(local: local)
        agent.handle(datagram: peer.check(to: local, useCandidate: true), from: wifi, at: clock.now)
        _ = agent.drain()
        for _ in 0..<3 {
            clock.advance(by: .seconds(2))
            agent.handle(datagram: peer.check(to: local, useCandidate: true), from: wifi, at: clock.now)
            let outputs = agent.drain()
            #expect(outputs.events.isEmpty)
            #expect(outputs.transmitted.count == 1)
        }
    }

    @Test("NAT rebinding: a valid nominating check from a new port switches the selection")
    mutating func natRebinding() {
        var agent = ICELiteAgent(local: local)
        agent.handle(datagram: peer.check(to: local, useCandidate: true), from: wifi, at: clock.now)
        _ = agent.drain()
        clock.advance(by: .seconds(4))
        agent.handle(datagram: peer.check(to: local, useCandidate: true), from: rebound, at: clock.now)
        let outputs = agent.drain()
        #expect(outputs.events == [.selected(rebound)])
        #expect(outputs.transmitted.first?.to == rebound)
        #expect(agent.selectedAddress == rebound)
        #expect(agent.state == .connected)
    }

    @Test("a valid check WITHOUT USE-CANDIDATE from a new address authorizes it but does not switch until nominated")
    mutating func newAddressWaitsForNomination() {
        var agent = ICELiteAgent(local: local)
        agent.handle(datagram: peer.check(to: local, useCandidate: true), from: wifi, at: clock.now)
        _ = agent.drain()
        clock.advance(by: .seconds(1))
        agent.handle(datagram: peer.check(to: local), from: cellular, at: clock.now)
        #expect(agent.drain().events.isEmpty)
        #expect(agent.selectedAddress == wifi)
        #expect(agent.isAuthorized(cellular))
        #expect(agent.isAuthorized(wifi))
        clock.advance(by: .seconds(1))
        agent.handle(datagram: peer.check(to: local, useCandidate: true), from: cellular, at: clock.now)
        #expect(agent.drain().events == [.selected(cellular)])
        #expect(agent.selectedAddress == cellular)
    }

    @Test("a forged nominating check from a new address never moves the selection nor authorizes the address")
    mutating func forgedNomination() {
        var agent = ICELiteAgent(local: local)
        agent.handle(datagram: peer.check(to: local, useCandidate: true), from: wifi, at: clock.now)
        _ = agent.drain()
        let attacker = TransportAddress(ipv4: 6, 6, 6, 6, port: 666)
        let forged = peer.request(username: "\(local.ufrag):\(peer.credentials.ufrag)",
                                  password: "guessedguessedguessed00", useCandidate: true)
        agent.handle(datagram: forged, from: attacker, at: clock.now)
        let outputs = agent.drain()
        #expect(outputs.events.isEmpty)
        #expect(agent.selectedAddress == wifi)
        #expect(!agent.isAuthorized(attacker))
    }

    @Test("a non-nominating check replayed from another address is dropped: no answer, not authorized")
    mutating func replayFromElsewhere() {
        // Short-term STUN authentication has no replay protection of its own; the agent remembers
        // recent transaction ids, so the copy from another address is recognised and dropped.
        var agent = ICELiteAgent(local: local)
        agent.handle(datagram: peer.check(to: local, useCandidate: true), from: wifi, at: clock.now)
        _ = agent.drain()
        let plain = peer.check(to: local)
        agent.handle(datagram: plain, from: wifi, at: clock.now)
        agent.handle(datagram: plain, from: cellular, at: clock.now)
        let outputs = agent.drain()
        #expect(outputs.events.isEmpty)
        #expect(outputs.transmitted.map(\.to) == [wifi])
        #expect(agent.selectedAddress == wifi)
        #expect(!agent.isAuthorized(cellular))
        #expect(agent.counters.replayedChecks == 1)
    }

    @Test("the authorized-address table is bounded and never drops the selected address")
    mutating func boundedAuthorization() {
        var agent = ICELiteAgent(local: local, authorizedAddressLimit: 3)
        agent.handle(datagram: peer.check(to: local, useCandidate: true), from: wifi, at: clock.now)
        var others: [TransportAddress] = []
        for port in UInt16(1)...10 {
            clock.advance(by: .milliseconds(10))
            let address = TransportAddress(ipv4: 10, 0, 0, 1, port: port)
            others.append(address)
            agent.handle(datagram: peer.check(to: local), from: address, at: clock.now)
        }
        _ = agent.drain()
        #expect(agent.isAuthorized(wifi))
        #expect(others.filter { agent.isAuthorized($0) } == Array(others.suffix(2)))
    }
}

@Suite("ICE-lite replayed checks")
struct ICEReplayTests {
    var rng = SeededGenerator(seed: 0xD0D0)
    var peer = TestPeer(seed: 0xE0E0)
    let wifi = TransportAddress(ipv4: 192, 0, 2, 10, port: 50_000)
    let attacker = TransportAddress(ipv4: 198, 51, 100, 66, port: 4444)

    @Test("a captured nominating check resent from another address is dropped; media stays put")
    mutating func replayFromAnotherAddress() {
        let local = ICECredentials.random(using: &rng)
        var agent = ICELiteAgent(local: local)
        let check = peer.check(to: local, useCandidate: true)
        agent.handle(datagram: check, from: wifi, at: .seconds(1))
        _ = agent.drain()
        agent.handle(datagram: check, from: attacker, at: .seconds(2))
        #expect(agent.drain().isEmpty, "no answer, no event")
        #expect(agent.selectedAddress == wifi)
        #expect(!agent.isAuthorized(attacker))
        #expect(agent.counters.replayedChecks == 1)
        #expect(agent.counters.validChecks == 1)
    }

    @Test("a retransmission of the same check from the same address is answered again")
    mutating func retransmissionAnswered() {
        let local = ICECredentials.random(using: &rng)
        var agent = ICELiteAgent(local: local)
        let check = peer.check(to: local, useCandidate: true)
        agent.handle(datagram: check, from: wifi, at: .seconds(1))
        _ = agent.drain()
        agent.handle(datagram: check, from: wifi, at: .seconds(1) + .milliseconds(100))
        #expect(agent.drain().transmitted.count == 1)
        #expect(agent.counters.replayedChecks == 0)
        #expect(agent.counters.validChecks == 2)
    }
}
