// Consent freshness (RFC 7675): valid checks refresh consent per address; the selected address
// expires 30 s after its last valid check, reported once, driven by nextDeadline/handleTimeout.

import ICE
import STUN
import TestSupport
import Testing

@Suite("ICE-lite consent freshness")
struct ICEConsentTests {
    var rng = SeededGenerator(seed: 0xC0C0)
    var peer = TestPeer(seed: 0xD0D0)
    var clock = VirtualClock()
    let local: ICECredentials
    let address = TransportAddress(ipv4: 192, 0, 2, 44, port: 9999)

    init() {
        local = ICECredentials.random(using: &rng)
    }

    mutating func connectedAgent() -> ICELiteAgent {
        var agent = ICELiteAgent(local: local)
        agent.handle(datagram: peer.check(to: local, useCandidate: true), from: address, at: clock.now)
        _ = agent.drain()
        return agent
    }

    @Test("no deadline before any valid check")
    func noDeadlineInitially() {
        let agent = ICELiteAgent(local: local)
        #expect(agent.nextDeadline == nil)
        #expect(agent.state == .new)
    }

    @Test("consent expires exactly 30 s after the last valid check: reported once, selection and authorization withdrawn")
    mutating func expiry() throws {
        var agent = connectedAgent()
        let start = clock.now
        #expect(agent.nextDeadline == start + .seconds(30))
        clock.advance(to: start + .seconds(30) - .milliseconds(1))
        agent.handleTimeout(at: clock.now)
        #expect(agent.drain().isEmpty)
        #expect(agent.isAuthorized(address))
        let deadline = try #require(agent.nextDeadline)
        clock.advance(to: deadline)
        agent.handleTimeout(at: clock.now)
        #expect(agent.drain().events == [.consentExpired, .stateChanged(.disconnected)])
        #expect(agent.state == .disconnected)
        #expect(agent.selectedAddress == nil)
        #expect(!agent.isAuthorized(address))
        #expect(agent.nextDeadline == nil)
        clock.advance(by: .seconds(60))
        agent.handleTimeout(at: clock.now)
        #expect(agent.drain().isEmpty, "consent expiry is reported once")
    }

    @Test("valid checks every 5 s keep consent alive for minutes; each pushes the deadline")
    mutating func refreshedByChecks() {
        var agent = connectedAgent()
        for _ in 0..<60 {
            clock.advance(by: .seconds(5))
            agent.handleTimeout(at: clock.now)
            agent.handle(datagram: peer.check(to: local), from: address, at: clock.now)
            #expect(agent.drain().events.isEmpty)
            #expect(agent.nextDeadline == clock.now + .seconds(30))
        }
        #expect(agent.state == .connected)
        #expect(agent.selectedAddress == address)
    }

    @Test("invalid checks from the selected address do not refresh consent")
    mutating func invalidChecksDoNotRefresh() {
        var agent = connectedAgent()
        let deadline = agent.nextDeadline
        for _ in 0..<5 {
            clock.advance(by: .seconds(5))
            let forged = peer.request(username: "\(local.ufrag):\(peer.credentials.ufrag)", password: "not-the-password-at-all")
            agent.handle(datagram: forged, from: address, at: clock.now)
            let role = peer.check(to: local, controlled: true)  // authenticated, but a 487 is not a valid check
            agent.handle(datagram: role, from: address, at: clock.now)
        }
        #expect(agent.nextDeadline == deadline)
        #expect(agent.drain().transmitted.count == 10)
    }

    @Test("expiry is also noticed when a late datagram arrives before the timer fired")
    mutating func expiryOnInput() {
        var agent = connectedAgent()
        clock.advance(by: .seconds(31))
        agent.handle(datagram: peer.check(to: local), from: address, at: clock.now)
        let events = agent.drain().events
        #expect(events.first == .consentExpired)
        // The check itself is valid: the address is authorized again but not selected.
        #expect(agent.selectedAddress == nil)
        #expect(agent.isAuthorized(address))
        #expect(agent.state == .disconnected)
    }

    @Test("a nomination after expiry selects again and consent can expire again")
    mutating func reselectAfterExpiry() {
        var agent = connectedAgent()
        clock.advance(by: .seconds(30))
        agent.handleTimeout(at: clock.now)
        _ = agent.drain()
        clock.advance(by: .seconds(1))
        agent.handle(datagram: peer.check(to: local, useCandidate: true), from: address, at: clock.now)
        #expect(agent.drain().events == [.selected(address), .stateChanged(.connected)])
        clock.advance(by: .seconds(30))
        agent.handleTimeout(at: clock.now)
        #expect(agent.drain().events.contains(.consentExpired))
    }

    @Test("a non-selected address loses authorization after 30 s without touching the selection")
    mutating func secondaryAddressExpires() throws {
        var agent = connectedAgent()
        let other = TransportAddress(ipv4: 192, 0, 2, 45, port: 1)
        clock.advance(by: .seconds(10))
        agent.handle(datagram: peer.check(to: local), from: other, at: clock.now)
        #expect(agent.isAuthorized(other))
        // Keep the selected address fresh; the other one gets no more checks.
        for _ in 0..<8 {
            clock.advance(by: .seconds(5))
            agent.handle(datagram: peer.check(to: local), from: address, at: clock.now)
            if let deadline = agent.nextDeadline, deadline <= clock.now { agent.handleTimeout(at: clock.now) }
        }
        agent.handleTimeout(at: clock.now)
        #expect(!agent.isAuthorized(other))
        #expect(agent.isAuthorized(address))
        #expect(!agent.drain().events.contains(.consentExpired))
        #expect(agent.state == .connected)
    }

    @Test("the deadline is the earliest expiry among authorized addresses")
    mutating func earliestDeadline() {
        var agent = connectedAgent()
        let first = clock.now
        clock.advance(by: .seconds(3))
        agent.handle(datagram: peer.check(to: local), from: TransportAddress(ipv4: 1, 1, 1, 1, port: 1), at: clock.now)
        #expect(agent.nextDeadline == first + .seconds(30))
    }
}
