// Hostile input through the agent: 100k random and mutated datagrams from random addresses.
// Nothing an attacker without the password sends may select, authorize or refresh an address;
// the only answers are 4xx error responses to the sender, or silence.

import ICE
import STUN
import TestSupport
import Testing

@Suite("ICE-lite hostile input")
struct ICEHostileInputTests {
    @Test("100k hostile datagrams: never selects, never authorizes, answers only 400/401 or nothing")
    func hostileDatagrams() throws {
        var rng = SeededGenerator(seed: 0x1CE_BAD)
        let local = ICECredentials.random(using: &rng)
        var peer = TestPeer(seed: 0x1CE_600D)
        let stale = ICECredentials.random(using: &rng)
        let selected = TransportAddress(ipv4: 192, 0, 2, 1, port: 5000)
        var clock = VirtualClock()

        // Well-formed checks an attacker can make: our ufrag with a guessed password, other
        // ufrags, stale credentials, missing integrity, plus non-requests. None carries our key.
        let seeds: [[UInt8]] = [
            peer.request(username: "\(local.ufrag):\(peer.credentials.ufrag)", password: "guessedguessedguessed00", useCandidate: true),
            peer.request(username: "\(local.ufrag):\(peer.credentials.ufrag)", password: "guessedguessedguessed00", fingerprint: false),
            peer.request(username: "\(local.ufrag):x", password: nil, useCandidate: true),
            peer.request(username: "\(stale.ufrag):\(peer.credentials.ufrag)", password: stale.password, useCandidate: true),
            peer.check(to: stale, useCandidate: true, controlled: true),
            peer.request(username: nil, password: nil, type: .bindingIndication),
            peer.request(username: "\(local.ufrag):\(peer.credentials.ufrag)", password: "guessedguessedguessed00",
                         extra: [.other(STUNAttributeType(rawValue: 0x0777), [1])]),
        ]

        var fresh = ICELiteAgent(local: local)
        var connected = ICELiteAgent(local: local)
        connected.handle(datagram: peer.check(to: local, useCandidate: true), from: selected, at: clock.now)
        _ = connected.drain()
        let deadline = connected.nextDeadline

        var answered = 0
        var silent = 0
        for hostile in HostileInput(seeds: seeds, count: 100_000, seed: 0x1CE_F022, maxLength: 4096) {
            clock.advance(by: .microseconds(1))
            let source: TransportAddress = rng.next() % 4 == 0
                ? TransportAddress(ip: .v6(high: rng.next(), low: rng.next()), port: UInt16(truncatingIfNeeded: rng.next()))
                : TransportAddress(ip: .v4(UInt32(truncatingIfNeeded: rng.next())), port: UInt16(truncatingIfNeeded: rng.next()))
            for index in 0..<2 {
                var agent = index == 0 ? fresh : connected
                agent.handle(datagram: hostile.bytes, from: source, at: clock.now)
                let outputs = agent.drain()
                #expect(outputs.events.isEmpty, "case \(hostile.index) \(hostile.kind) produced events")
                #expect(outputs.count == outputs.transmitted.count)
                for (bytes, to) in outputs.transmitted {
                    #expect(to == source)
                    let response = try STUNMessage.parse(bytes)
                    #expect(response.type.class == .errorResponse)
                    #expect(response.errorCode == .badRequest || response.errorCode == .unauthorized,
                            "case \(hostile.index): \(String(describing: response.errorCode))")
                    #expect(response.messageIntegrity == nil)
                }
                #expect(!agent.isAuthorized(source))
                if index == 0 {
                    if outputs.isEmpty { silent += 1 } else { answered += 1 }
                    fresh = agent
                } else {
                    connected = agent
                }
            }
        }
        #expect(fresh.selectedAddress == nil && fresh.state == .new && fresh.nextDeadline == nil)
        #expect(connected.selectedAddress == selected && connected.state == .connected)
        #expect(connected.nextDeadline == deadline, "hostile input must not refresh consent")
        #expect(fresh.counters.validChecks == 0 && connected.counters.validChecks == 1)
        #expect(answered > 1_000, "the generator must reach the error-response path (got \(answered))")
        #expect(silent > 1_000, "the generator must produce unanswerable garbage (got \(silent))")
    }
}
