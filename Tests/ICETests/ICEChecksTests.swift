// Answers to connectivity checks: success for authenticated checks, 400/401/420/487 otherwise,
// and an unauthenticated source is never adopted.

import ICE
import STUN
import TestSupport
import Testing

@Suite("ICE-lite check handling")
struct ICEChecksTests {
    var rng = SeededGenerator(seed: 0x1CE)
    let local: ICECredentials
    var peer = TestPeer(seed: 0x9EE4)
    var clock = VirtualClock()
    let source = TransportAddress(ipv4: 198, 51, 100, 7, port: 40_000)

    init() {
        local = ICECredentials.random(using: &rng)
    }

    /// Feeds `datagram` from `source` and returns the single response, parsed, with its bytes.
    func respond(_ agent: inout ICELiteAgent, _ datagram: [UInt8], from: TransportAddress? = nil) throws
        -> (message: STUNMessage, bytes: [UInt8], outputs: [ICEOutput]) {
        agent.handle(datagram: datagram, from: from ?? source, at: clock.now)
        let outputs = agent.drain()
        let sent = outputs.transmitted
        try #require(sent.count == 1)
        #expect(sent[0].to == (from ?? source))
        return (try STUNMessage.parse(sent[0].bytes), sent[0].bytes, outputs)
    }

    @Test("a valid check gets a success response: XOR-MAPPED-ADDRESS of the source, same transaction id, MESSAGE-INTEGRITY with our password, FINGERPRINT")
    mutating func validCheck() throws {
        var agent = ICELiteAgent(local: local)
        let check = peer.check(to: local)
        let request = try STUNMessage.parse(check)
        let (response, bytes, outputs) = try respond(&agent, check)
        #expect(response.type == .bindingSuccess)
        #expect(response.transactionID == request.transactionID)
        #expect(response.xorMappedAddress == source)
        #expect(response.attributes.map(\.type) == [.xorMappedAddress, .messageIntegrity, .fingerprint])
        try STUNMessageIntegrity.verify(bytes, key: .shortTerm(password: local.password))
        #expect(throws: STUNError.integrityMismatch) {
            try STUNMessageIntegrity.verify(bytes, key: .shortTerm(password: peer.credentials.password))
        }
        #expect(outputs.events == [.stateChanged(.checking)])
        #expect(agent.state == .checking)
        #expect(agent.isAuthorized(source))
        #expect(agent.selectedAddress == nil)
        #expect(agent.counters.validChecks == 1)
    }

    @Test("an IPv6 source is reflected as an IPv6 XOR-MAPPED-ADDRESS")
    mutating func ipv6Source() throws {
        var agent = ICELiteAgent(local: local)
        let v6 = try #require(TransportAddress("[2001:db8::beef]:61000"))
        let (response, _, _) = try respond(&agent, peer.check(to: local), from: v6)
        #expect(response.xorMappedAddress == v6)
    }

    @Test("a check without FINGERPRINT is still valid (FINGERPRINT is checked only if present)")
    mutating func noFingerprint() throws {
        var agent = ICELiteAgent(local: local)
        let (response, _, _) = try respond(&agent, peer.check(to: local, fingerprint: false))
        #expect(response.type == .bindingSuccess)
    }

    @Test("a wrong FINGERPRINT is not STUN: no answer, counted as malformed")
    mutating func badFingerprint() {
        var agent = ICELiteAgent(local: local)
        var check = peer.check(to: local, useCandidate: true)
        check[check.count - 1] ^= 0xFF
        agent.handle(datagram: check, from: source, at: clock.now)
        #expect(agent.drain().isEmpty)
        #expect(agent.counters.malformedDatagrams == 1)
        #expect(!agent.isAuthorized(source))
    }

    @Test("wrong ufrag in USERNAME → 401 without MESSAGE-INTEGRITY, source not adopted")
    mutating func wrongUsername() throws {
        var agent = ICELiteAgent(local: local)
        let other = ICECredentials.random(using: &rng)
        let check = peer.request(username: "\(other.ufrag):\(peer.credentials.ufrag)", password: local.password,
                                 useCandidate: true)
        let (response, _, outputs) = try respond(&agent, check)
        #expect(response.type == .bindingError)
        #expect(response.errorCode?.code == 401)
        #expect(response.messageIntegrity == nil)
        #expect(response.fingerprint != nil)
        #expect(outputs.events.isEmpty)
        #expect(!agent.isAuthorized(source))
        #expect(agent.selectedAddress == nil)
        #expect(agent.state == .new)
    }

    @Test("a USERNAME whose local part only starts with our ufrag is refused")
    mutating func ufragPrefix() throws {
        var agent = ICELiteAgent(local: local)
        let check = peer.request(username: "\(local.ufrag)x:\(peer.credentials.ufrag)", password: local.password)
        #expect(try respond(&agent, check).message.errorCode?.code == 401)
        let noColon = peer.request(username: local.ufrag, password: local.password)
        #expect(try respond(&agent, noColon).message.errorCode?.code == 401)
    }

    @Test("bad MESSAGE-INTEGRITY (signed with another password) → 401, source not adopted")
    mutating func badIntegrity() throws {
        var agent = ICELiteAgent(local: local)
        let check = peer.request(username: "\(local.ufrag):\(peer.credentials.ufrag)",
                                 password: peer.credentials.password, useCandidate: true)
        let (response, _, _) = try respond(&agent, check)
        #expect(response.errorCode == .unauthorized)
        #expect(!agent.isAuthorized(source))
        #expect(agent.selectedAddress == nil)
        #expect(agent.counters.rejectedChecks == 1)
    }

    @Test("missing MESSAGE-INTEGRITY or USERNAME → 400")
    mutating func missingAuth() throws {
        var agent = ICELiteAgent(local: local)
        let noIntegrity = peer.request(username: "\(local.ufrag):\(peer.credentials.ufrag)", password: nil, useCandidate: true)
        #expect(try respond(&agent, noIntegrity).message.errorCode == .badRequest)
        let noUsername = peer.request(username: nil, password: local.password, useCandidate: true)
        #expect(try respond(&agent, noUsername).message.errorCode == .badRequest)
        #expect(!agent.isAuthorized(source))
        #expect(agent.state == .new)
    }

    @Test("unknown comprehension-required attribute on an authenticated check → 420 listing it, with MESSAGE-INTEGRITY")
    mutating func unknownAttribute() throws {
        var agent = ICELiteAgent(local: local)
        let unknown = STUNAttributeType(rawValue: 0x0777)
        let check = peer.check(to: local, useCandidate: true,
                               extra: [.other(unknown, [1, 2, 3, 4]), .other(STUNAttributeType(rawValue: 0xC057), [0, 0, 0, 1])])
        let (response, bytes, outputs) = try respond(&agent, check)
        #expect(response.errorCode == .unknownAttribute)
        #expect(response.unknownAttributes == [unknown])
        try STUNMessageIntegrity.verify(bytes, key: .shortTerm(password: local.password))
        #expect(outputs.events.isEmpty)
        #expect(!agent.isAuthorized(source))
    }

    @Test("authentication is judged before unknown attributes: a forged check with one gets 401, not 420")
    mutating func authBeforeUnknown() throws {
        var agent = ICELiteAgent(local: local)
        let check = peer.request(username: "\(local.ufrag):\(peer.credentials.ufrag)", password: "wrongwrongwrongwrongwrong",
                                 extra: [.other(STUNAttributeType(rawValue: 0x0777), [])])
        #expect(try respond(&agent, check).message.errorCode == .unauthorized)
    }

    @Test("a peer that is also controlled (ICE-CONTROLLED) → 487 role conflict; ICE-CONTROLLING is normal")
    mutating func roleConflict() throws {
        var agent = ICELiteAgent(local: local)
        let (conflict, bytes, outputs) = try respond(&agent, peer.check(to: local, useCandidate: true, controlled: true))
        #expect(conflict.errorCode == .roleConflict)
        try STUNMessageIntegrity.verify(bytes, key: .shortTerm(password: local.password))
        #expect(outputs.events.isEmpty)
        #expect(agent.selectedAddress == nil)
        #expect(!agent.isAuthorized(source))
        let (ok, _, _) = try respond(&agent, peer.check(to: local, useCandidate: true, controlled: false))
        #expect(ok.type == .bindingSuccess)
        #expect(agent.selectedAddress == source)
    }

    @Test("a request for another method → 400, nothing adopted")
    mutating func otherMethod() throws {
        var agent = ICELiteAgent(local: local)
        let allocate = peer.request(username: "\(local.ufrag):\(peer.credentials.ufrag)", password: local.password,
                                    useCandidate: true, type: STUNMessageType(.request, STUNMethod(rawValue: 0x003)))
        let (response, _, _) = try respond(&agent, allocate)
        #expect(response.type == STUNMessageType(.errorResponse, STUNMethod(rawValue: 0x003)))
        #expect(response.errorCode == .badRequest)
        #expect(!agent.isAuthorized(source))
    }

    @Test("indications and responses get no answer and change nothing")
    mutating func nonRequests() throws {
        var agent = ICELiteAgent(local: local)
        let indication = peer.request(username: nil, password: nil, type: .bindingIndication)
        let response = peer.request(username: "\(local.ufrag):\(peer.credentials.ufrag)", password: local.password,
                                    useCandidate: true, type: .bindingSuccess)
        for datagram in [indication, response] {
            agent.handle(datagram: datagram, from: source, at: clock.now)
            #expect(agent.drain().isEmpty)
        }
        #expect(agent.counters.ignoredMessages == 2)
        #expect(!agent.isAuthorized(source))
    }

    @Test("with remote credentials known, the USERNAME's remote part must be the peer's ufrag")
    mutating func remoteUfrag() throws {
        var agent = ICELiteAgent(local: local, remote: peer.credentials)
        let stranger = ICECredentials.random(using: &rng)
        let impostor = peer.request(username: "\(local.ufrag):\(stranger.ufrag)", password: local.password, useCandidate: true)
        #expect(try respond(&agent, impostor).message.errorCode == .unauthorized)
        #expect(agent.selectedAddress == nil)
        #expect(try respond(&agent, peer.check(to: local, useCandidate: true)).message.type == .bindingSuccess)
        #expect(agent.selectedAddress == source)
    }

    @Test("remote credentials can arrive after the first checks; from then on the remote ufrag is enforced")
    mutating func lateRemoteCredentials() throws {
        var agent = ICELiteAgent(local: local)
        let stranger = ICECredentials.random(using: &rng)
        let other = peer.request(username: "\(local.ufrag):\(stranger.ufrag)", password: local.password)
        #expect(try respond(&agent, other).message.type == .bindingSuccess)
        agent.setRemoteCredentials(peer.credentials)
        #expect(try respond(&agent, peer.request(username: "\(local.ufrag):\(stranger.ufrag)", password: local.password))
            .message.errorCode == .unauthorized)
        #expect(try respond(&agent, peer.check(to: local)).message.type == .bindingSuccess)
    }

    @Test("a non-contiguous byte collection is handled like an array")
    mutating func nonContiguousInput() throws {
        var agent = ICELiteAgent(local: local)
        let check = peer.check(to: local, useCandidate: true)
        agent.handle(datagram: check.lazy.map { $0 }, from: source, at: clock.now)
        #expect(agent.drain().events.contains(.selected(source)))
    }
}
