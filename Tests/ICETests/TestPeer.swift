// The controlling side of a test: builds the Binding requests a browser would send to our
// lite agent, signed with whatever credentials a test wants (right, wrong, stale).

import ICE
import STUN
import TestSupport

/// A simulated full ICE agent in the controlling role.
struct TestPeer {
    var credentials: ICECredentials
    var rng: SeededGenerator
    let tieBreaker: UInt64

    init(seed: UInt64) {
        rng = SeededGenerator(seed: seed)
        credentials = ICECredentials.random(using: &rng)
        tieBreaker = rng.next()
    }

    /// A check to `agent`: USERNAME "<agent ufrag>:<our ufrag>", signed with the agent's password.
    mutating func check(to agent: ICECredentials, useCandidate: Bool = false, controlled: Bool = false,
                        extra: [STUNAttribute] = [], fingerprint: Bool = true) -> [UInt8] {
        request(username: "\(agent.ufrag):\(credentials.ufrag)", password: agent.password,
                useCandidate: useCandidate, controlled: controlled, extra: extra, fingerprint: fingerprint)
    }

    /// Any request; nil username or password leaves that attribute out.
    mutating func request(username: String?, password: String?, useCandidate: Bool = false, controlled: Bool = false,
                          extra: [STUNAttribute] = [], fingerprint: Bool = true,
                          type: STUNMessageType = .bindingRequest) -> [UInt8] {
        var attributes: [STUNAttribute] = []
        if let username { attributes.append(.username(username)) }
        attributes.append(.priority(0x6E00_1EFF))
        attributes.append(controlled ? .iceControlled(tieBreaker) : .iceControlling(tieBreaker))
        if useCandidate { attributes.append(.useCandidate) }
        attributes += extra
        let message = STUNMessage(type: type, transactionID: .random(using: &rng), attributes: attributes)
        // Test inputs are small; encoding cannot exceed the STUN length limit.
        return (try? message.encode(integrityKey: password.map { .shortTerm(password: $0) },
                                    fingerprint: fingerprint)) ?? []
    }
}

extension ICELiteAgent {
    /// Everything the agent has queued, in order.
    mutating func drain() -> [ICEOutput] {
        var all: [ICEOutput] = []
        while let output = pollOutput() { all.append(output) }
        return all
    }
}

extension [ICEOutput] {
    var transmitted: [(bytes: [UInt8], to: TransportAddress)] {
        compactMap { if case .transmit(let bytes, let to) = $0 { (bytes, to) } else { nil } }
    }

    var events: [ICEEvent] {
        compactMap { if case .event(let event) = $0 { event } else { nil } }
    }
}
