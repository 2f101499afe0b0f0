// ICE restart: new credentials replace the old ones at once; media stays on the selected
// address until the peer nominates with the new credentials.

import ICE
import STUN
import TestSupport
import Testing

@Suite("ICE-lite restart")
struct ICERestartTests {
    var rng = SeededGenerator(seed: 0xE0E0)
    var peer = TestPeer(seed: 0xF0F0)
    var clock = VirtualClock()
    let address = TransportAddress(ipv4: 192, 0, 2, 80, port: 4000)
    let moved = TransportAddress(ipv4: 198, 51, 100, 80, port: 4001)

    @Test("after restart, checks with the old credentials get 401 and do not refresh consent")
    mutating func oldCredentialsRejected() throws {
        let old = ICECredentials.random(using: &rng)
        var agent = ICELiteAgent(local: old, remote: peer.credentials)
        agent.handle(datagram: peer.check(to: old, useCandidate: true), from: address, at: clock.now)
        _ = agent.drain()
        let deadline = agent.nextDeadline
        let fresh = ICECredentials.random(using: &rng)
        let peerOld = peer.credentials
        peer.credentials = ICECredentials.random(using: &rng)
        agent.restart(localCredentials: fresh, remote: peer.credentials)
        #expect(agent.localCredentials == fresh)
        clock.advance(by: .seconds(2))
        let stale = peer.request(username: "\(old.ufrag):\(peerOld.ufrag)", password: old.password, useCandidate: true)
        agent.handle(datagram: stale, from: address, at: clock.now)
        let outputs = agent.drain()
        let response = try STUNMessage.parse(try #require(outputs.transmitted.first).bytes)
        #expect(response.errorCode == .unauthorized)
        #expect(outputs.events.isEmpty)
        #expect(agent.nextDeadline == deadline)
    }

    @Test("media keeps flowing on the old selected address until the peer nominates with the new credentials")
    mutating func mediaContinuesUntilRenomination() {
        let old = ICECredentials.random(using: &rng)
        var agent = ICELiteAgent(local: old)
        agent.handle(datagram: peer.check(to: old, useCandidate: true), from: address, at: clock.now)
        _ = agent.drain()
        let fresh = ICECredentials.random(using: &rng)
        agent.restart(localCredentials: fresh, remote: nil)
        #expect(agent.selectedAddress == address)
        #expect(agent.isAuthorized(address))
        #expect(agent.state == .connected)
        clock.advance(by: .seconds(1))
        // New credentials, check without nomination from a new address: no switch yet.
        agent.handle(datagram: peer.check(to: fresh), from: moved, at: clock.now)
        #expect(agent.drain().events.isEmpty)
        #expect(agent.selectedAddress == address)
        clock.advance(by: .seconds(1))
        agent.handle(datagram: peer.check(to: fresh, useCandidate: true), from: moved, at: clock.now)
        #expect(agent.drain().events == [.selected(moved)])
        #expect(agent.selectedAddress == moved)
    }

    @Test("a nomination with the new credentials on the same address is reported: the restart completed")
    mutating func renominationSameAddress() {
        let old = ICECredentials.random(using: &rng)
        var agent = ICELiteAgent(local: old)
        agent.handle(datagram: peer.check(to: old, useCandidate: true), from: address, at: clock.now)
        _ = agent.drain()
        let fresh = ICECredentials.random(using: &rng)
        agent.restart(localCredentials: fresh, remote: nil)
        agent.handle(datagram: peer.check(to: fresh, useCandidate: true), from: address, at: clock.now)
        #expect(agent.drain().events == [.selected(address)])
        // Only once: later nominations are routine again.
        agent.handle(datagram: peer.check(to: fresh, useCandidate: true), from: address, at: clock.now)
        #expect(agent.drain().events.isEmpty)
    }

    @Test("after restart, responses are signed with the new password")
    mutating func responsesUseNewPassword() throws {
        let old = ICECredentials.random(using: &rng)
        var agent = ICELiteAgent(local: old)
        let fresh = ICECredentials.random(using: &rng)
        agent.restart(localCredentials: fresh, remote: nil)
        agent.handle(datagram: peer.check(to: fresh), from: address, at: clock.now)
        let bytes = try #require(agent.drain().transmitted.first).bytes
        try STUNMessageIntegrity.verify(bytes, key: .shortTerm(password: fresh.password))
        #expect(throws: STUNError.integrityMismatch) {
            try STUNMessageIntegrity.verify(bytes, key: .shortTerm(password: old.password))
        }
    }
}
