// What a peer (or anyone who can reach the port) can throw at an endpoint: noise, mutated
// handshake flights, forged records, a wrong certificate. Every case ends with the datagram
// dropped or in a typed `.failed` event — never a trap — and an established session survives.

import DTLS
import TestSupport
import Testing

@Suite struct DTLSHostileInputTests {
    @Test func fingerprintMismatchIsRefusedWithoutKeys() throws {
        let pair = try makeDTLSPair(clientExpects: Identities.stranger.fingerprint)
        #expect(!pair.handshake())
        #expect(pair.client.failure == .fingerprintMismatch)
        #expect(pair.client.keys == nil)
        #expect(pair.client.endpoint.state == .failed)
        // The client rejected the certificate mid-handshake with a fatal alert: the server fails
        // too, before it could connect.
        #expect(pair.run(until: { pair.server.failure != nil }))
        #expect(pair.server.keys == nil)
        guard case .handshakeFailed = pair.server.failure else {
            Issue.record("server should fail its handshake, got \(String(describing: pair.server.failure))")
            return
        }
    }

    @Test func serverRefusesAClientWithTheWrongCertificate() throws {
        let pair = try makeDTLSPair(serverExpects: Identities.stranger.fingerprint)
        #expect(!pair.handshake())
        #expect(pair.server.failure == .fingerprintMismatch)
        #expect(pair.server.keys == nil)
        // The server never sent its Finished to the impostor, whose handshake fails on the alert.
        #expect(pair.run(until: { pair.client.failure != nil }))
        #expect(pair.client.keys == nil)
    }

    @Test func nonDTLSDatagramsAreDroppedAndCounted() throws {
        let pair = try makeDTLSPair()
        let notDTLS: [[UInt8]] = [[], [0x16], [0x00, 0x01] + Array(repeating: 0, count: 20),
                                  [0x80] + Array(repeating: 0, count: 40), [19] + Array(repeating: 0, count: 30),
                                  [64] + Array(repeating: 0, count: 30)]
        for datagram in notDTLS { pair.inject(datagram, into: .aToB) }
        #expect(pair.server.endpoint.droppedDatagrams == notDTLS.count)
        #expect(pair.server.endpoint.state == .new)
        #expect(pair.handshake())
    }

    @Test func noiseBeforeDuringAndAfterTheHandshakeIsIgnored() throws {
        let pair = try makeDTLSPair()
        var rng = SeededGenerator(seed: 0xBAD5EED)
        func noise() -> [UInt8] {
            var bytes = rng.bytes(count: 13 + Int(rng.next() % 300))
            bytes[0] = UInt8(20 + rng.next() % 44)  // passes the RFC 7983 demux, so OpenSSL sees it
            return bytes
        }
        for _ in 0..<50 {
            pair.inject(noise(), into: .aToB)
            pair.inject(noise(), into: .bToA)
        }
        pair.client.start(at: pair.now)
        var steps = 0
        while !pair.bothConnected && steps < 1_000 {
            pair.inject(noise(), into: .aToB)
            pair.inject(noise(), into: .bToA)
            pair.step()
            steps += 1
        }
        #expect(pair.bothConnected)
        for _ in 0..<500 {
            pair.inject(noise(), into: .aToB)
            pair.inject(noise(), into: .bToA)
        }
        try pair.client.send([1, 2, 3], at: pair.now)
        try pair.server.send([4, 5], at: pair.now)
        #expect(pair.run(until: { !pair.server.applicationData.isEmpty && !pair.client.applicationData.isEmpty }))
        #expect(pair.server.applicationData == [[1, 2, 3]])
        #expect(pair.client.applicationData == [[4, 5]])
        #expect(pair.client.failure == nil && pair.server.failure == nil)
    }

    /// Mutations of a real handshake thrown at a server waiting for a ClientHello: each is
    /// ignored, moves the handshake on (a still-valid ClientHello), or fails it with a typed error.
    @Test func mutatedHandshakeFlightsEndTypedAtAFreshServer() throws {
        let seeds = try recordedDatagrams(from: .aToB)  // what a client sends a server
        var ignored = 0, progressed = 0, failed = 0
        var victim = try DTLSPeer(role: .server, certificate: Identities.server, expecting: Identities.client.fingerprint)
        let now = Duration.seconds(50)
        for hostile in HostileInput(seeds: seeds, count: 100_000, seed: 0xD71, maxLength: 2_048) {
            let eventsBefore = victim.events.count
            victim.receive(hostile.bytes, at: now)
            let sent = victim.takeDatagrams()
            let newEvents = victim.events.dropFirst(eventsBefore)
            #expect(!newEvents.contains { if case .connected = $0 { true } else { false } }, "case \(hostile.index)")
            if newEvents.contains(where: { if case .failed = $0 { true } else { false } }) {
                failed += 1
            } else if !sent.isEmpty {
                progressed += 1
            } else {
                ignored += 1
                continue
            }
            victim = try DTLSPeer(role: .server, certificate: Identities.server, expecting: Identities.client.fingerprint)
        }
        #expect(failed > 0)
        #expect(progressed > 0)
        #expect(ignored > 0)
    }

    /// Once connected, nothing an attacker replays, mutates or forges gets through or breaks the
    /// session: DTLS drops records that fail authentication or the replay check.
    @Test func establishedSessionSurvivesHostileRecords() throws {
        let seeds = try recordedDatagrams()
        let pair = try makeDTLSPair()
        #expect(pair.handshake())
        let clientDataBefore = pair.client.applicationData.count
        let serverDataBefore = pair.server.applicationData.count
        for hostile in HostileInput(seeds: seeds, count: 100_000, seed: 0xE57, maxLength: 2_048) {
            if hostile.index % 2 == 0 {
                pair.server.receive(hostile.bytes, at: pair.now)
            } else {
                pair.client.receive(hostile.bytes, at: pair.now)
            }
        }
        _ = pair.client.takeDatagrams()  // retransmissions provoked by replayed flights; not delivered
        _ = pair.server.takeDatagrams()
        #expect(pair.client.endpoint.state == .connected)
        #expect(pair.server.endpoint.state == .connected)
        #expect(pair.client.applicationData.count == clientDataBefore)
        #expect(pair.server.applicationData.count == serverDataBefore)
        try pair.server.send([9, 9, 9], at: pair.now)
        #expect(pair.run(until: { pair.client.applicationData.count == clientDataBefore + 1 }))
        #expect(pair.client.applicationData.last == [9, 9, 9])
    }

    /// Every datagram of a real handshake plus some application data and a close, both ways
    /// unless a direction is given (A is the client).
    private func recordedDatagrams(from direction: LinkDirection? = nil) throws -> [[UInt8]] {
        let pair = try makeDTLSPair()
        #expect(pair.handshake())
        try pair.client.send(Array(repeating: 0xAA, count: 100), at: pair.now)
        try pair.server.send(Array(repeating: 0xBB, count: 300), at: pair.now)
        pair.run(until: { !pair.client.applicationData.isEmpty && !pair.server.applicationData.isEmpty })
        pair.client.close(at: pair.now)
        pair.run(until: { pair.server.isClosed })
        let datagrams = pair.offered.filter { direction == nil || $0.direction == direction }.map(\.bytes)
        #expect(datagrams.count >= (direction == nil ? 7 : 3))
        return datagrams
    }
}
