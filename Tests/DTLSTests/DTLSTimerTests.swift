// Retransmission in virtual time: OpenSSL's DTLS timer must follow the `at:` times we pass
// (through the gettimeofday interposition), so lost flights recover by advancing a virtual clock
// past `nextDeadline`, with no real waiting.

import DTLS
import TestSupport
import Testing

@Suite struct DTLSTimerTests {
    @Test func libsslReadsTheInterposedClock() {
        #expect(DTLSEndpoint.runsOnCallerClock)
    }

    /// With wall-clock timers this fails: no real time passes between start and the timeout,
    /// so OpenSSL would see an unexpired timer and stay silent.
    @Test func timerFiresExactlyAtTheVirtualDeadlineAndBacksOff() throws {
        let client = try DTLSPeer(role: .client, certificate: Identities.client, expecting: Identities.server.fingerprint)
        let t0 = Duration.seconds(5_000)
        client.start(at: t0)
        #expect(client.takeDatagrams().count == 1)
        #expect(client.deadline == t0 + .milliseconds(400))

        // 20 ms early (OpenSSL treats under 15 ms left as expired): nothing is sent.
        client.fireTimeout(at: t0 + .milliseconds(380))
        #expect(client.takeDatagrams().isEmpty)
        #expect(client.deadline == t0 + .milliseconds(400))

        client.fireTimeout(at: t0 + .milliseconds(400))
        let retransmitted = client.takeDatagrams()
        try #require(retransmitted.count == 1)
        #expect(Wire.firstHandshakeType(retransmitted[0]) == Wire.clientHello)
        #expect(client.deadline == t0 + .milliseconds(400 + 800))

        client.fireTimeout(at: t0 + .milliseconds(1_200))
        #expect(client.takeDatagrams().count == 1)
        #expect(client.deadline == t0 + .milliseconds(1_200 + 1_600))
    }

    /// dtls1_read_bytes checks the timer before every read; with virtual time, reads before the
    /// deadline must not retransmit (a tiny wall-clock timer would retransmit on each one).
    @Test func readsBeforeTheDeadlineNeverRetransmit() throws {
        let client = try DTLSPeer(role: .client, certificate: Identities.client, expecting: Identities.server.fingerprint)
        let t0 = Duration.seconds(10)
        client.start(at: t0)
        _ = client.takeDatagrams()
        var rng = SeededGenerator(seed: 7)
        for step in 0..<50 {
            var garbage = rng.bytes(count: 40)
            garbage[0] = 22
            client.receive(garbage, at: t0 + .milliseconds(step * 7))
        }
        #expect(client.takeDatagrams().isEmpty)
        #expect(client.deadline == t0 + .milliseconds(400))
        #expect(client.endpoint.state == .handshaking)
    }

    @Test func lostServerFirstFlightIsRecoveredByTimeout() throws {
        let start = ContinuousClock.now
        let pair = try makeDTLSPair(link: LossyLink(dropRule: { $0.direction == .bToA && $0.ordinal == 0 }))
        let t0 = pair.now
        #expect(pair.handshake())
        let serverDatagrams = pair.offered.filter { $0.direction == .bToA }
        try #require(serverDatagrams.count >= 2)
        #expect(Wire.firstHandshakeType(serverDatagrams[0].bytes) == Wire.serverHello)
        #expect(Wire.firstHandshakeType(serverDatagrams[1].bytes) == Wire.serverHello)  // sent again
        #expect(pair.link.dropped == 1)
        // Recovery needed a timer: at least one initial timeout of virtual time went by...
        #expect(pair.now - t0 >= .milliseconds(400))
        // ...and no real one.
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test func lostClientSecondFlightIsRecoveredByTimeout() throws {
        let pair = try makeDTLSPair(link: LossyLink(dropRule: { $0.direction == .aToB && $0.ordinal == 1 }))
        #expect(pair.handshake())
        let clientDatagrams = pair.offered.filter { $0.direction == .aToB }
        try #require(clientDatagrams.count >= 2)
        #expect(Wire.firstHandshakeType(clientDatagrams[1].bytes) == Wire.certificate)
        #expect(clientDatagrams.dropFirst(2).contains { Wire.firstHandshakeType($0.bytes) == Wire.certificate })
        #expect(pair.client.keys?.localKey == pair.server.keys?.remoteKey)
    }

    /// The server connects as soon as it sends its last flight; if that is lost, the client's
    /// retransmitted flight makes the (already connected) server send it again.
    @Test func lostServerFinalFlightIsResentWhenTheClientRetransmits() throws {
        let pair = try makeDTLSPair(link: LossyLink(dropRule: { $0.direction == .bToA && $0.ordinal == 1 }))
        #expect(pair.handshake())
        let serverDatagrams = pair.offered.filter { $0.direction == .bToA }
        try #require(serverDatagrams.count >= 3)
        #expect(Wire.firstRecordType(serverDatagrams[1].bytes) == Wire.changeCipherSpec)
        #expect(Wire.firstRecordType(serverDatagrams[2].bytes) == Wire.changeCipherSpec)
        #expect(pair.client.keys?.remoteKey == pair.server.keys?.localKey)
    }

    @Test func randomLossStillConnects() throws {
        for seed: UInt64 in 1...8 {
            let pair = try makeDTLSPair(link: LossyLink(lossRate: 0.3, seed: seed))
            #expect(pair.handshake(timeLimit: .seconds(40)), "seed \(seed)")
        }
    }

    @Test func silentPeerEndsInHandshakeTimeoutAfterTheBackoffSchedule() throws {
        let pair = try makeDTLSPair(link: LossyLink(dropRule: { $0.direction == .aToB }))
        let t0 = pair.now
        pair.client.start(at: t0)
        #expect(pair.run(until: { pair.client.failure != nil }, timeLimit: .seconds(120)))
        #expect(pair.client.failure == .handshakeTimedOut)
        #expect(pair.client.endpoint.state == .failed)
        #expect(pair.client.deadline == nil)
        #expect(pair.client.keys == nil)
        let sendTimes = pair.client.sent.map(\.at)
        let gaps = zip(sendTimes.dropFirst(), sendTimes).map { $0 - $1 }
        // 400 ms doubling to the 4 s cap.
        #expect(Array(gaps.prefix(6)) == [.milliseconds(400), .milliseconds(800), .milliseconds(1_600),
                                          .milliseconds(3_200), .seconds(4), .seconds(4)])
        #expect(pair.server.endpoint.state == .new)
    }
}
