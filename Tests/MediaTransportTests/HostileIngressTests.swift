import NIOCore
import RTP
import SFU
import STUN
import ICE
import TestSupport
import Testing
@testable import MediaTransport

@Suite("hostile input into the loop's demux and routing", .serialized)
struct HostileIngressTests {
    @Test("100k hostile variants of real datagrams, from a bound and an unknown address: each lands in exactly one counter, the session survives")
    func hostileIngress() async throws {
        let service = try await TestHarness.service()
        var flow = try await EndToEndTests.Flow.start(service)
        _ = try await flow.send(5, keyframeFirst: true)
        #expect(try await flow.viewer.receiveRTP(count: 5).count == 5)
        let loop = try #require(service.state.withLockedValue { $0.loops.first })
        let bound = try #require(flow.publisher.channel.localAddress)
        let stranger = try SocketAddress(ipAddress: "127.0.0.2", port: 9)

        // Seeds: what the publisher really sends — a nominating check, SRTP, SRTCP — and a DTLS record.
        let transport = try #require(flow.publisher.answer?.transport(forMediaAt: 0))
        let check = try STUNMessage(
            type: .bindingRequest, transactionID: .random(),
            attributes: [.username("\(transport.iceUfrag ?? ""):\(flow.publisher.credentials.ufrag)"), .priority(1),
                         .iceControlling(1), .useCandidate])
            .encode(integrityKey: .shortTerm(password: transport.icePwd ?? ""), fingerprint: true)
        let srtp = try #require(flow.publisher.srtp)
        var rtp = try LoopbackClient.vp8Packet(ssrc: EndToEndTests.publisherSSRC, sequenceNumber: 60_000, timestamp: 1, keyframe: false)
        try srtp.protectRTP(&rtp)
        var rtcp: [UInt8] = [0x80, 201, 0, 1, 0, 0, 0, 7]  // an empty receiver report
        try srtp.protectRTCP(&rtcp)
        let dtls: [UInt8] = [0x17, 0xFE, 0xFD, 0, 1, 0, 0, 0, 0, 0, 9, 0, 16] + [UInt8](repeating: 0x42, count: 16)
        let seeds = [check, rtp, rtcp, dtls]

        let serverCredentials = try ICECredentials(ufrag: try #require(transport.iceUfrag), password: try #require(transport.icePwd))
        func isValidCheck(_ bytes: [UInt8]) -> Bool {
            var agent = ICELiteAgent(local: serverCredentials, remote: flow.publisher.credentials)
            agent.handle(datagram: bytes, from: TransportAddress(ipv4: 192, 0, 2, 1, port: 1), at: .seconds(1))
            return agent.counters.validChecks > 0
        }
        #expect(isValidCheck(check))
        let before = try await service.counters()
        var cases = 0
        var batch: [AddressedEnvelope<ByteBuffer>] = []
        for hostile in HostileInput(seeds: seeds, count: 100_000, seed: 0x5EED, maxLength: 2048) {
            let from = hostile.index % 2 == 0 ? bound : stranger
            // A replay of the captured check (verbatim, or changed only after MESSAGE-INTEGRITY,
            // which RFC 8489 §14 says to ignore) is a valid check: STUN has no replay protection,
            // and a valid check binds its address by design. Only invalid ones go to the stranger.
            if from == stranger, isValidCheck(hostile.bytes) { continue }
            batch.append(AddressedEnvelope(remoteAddress: from, data: ByteBuffer(bytes: hostile.bytes)))
            cases += 1
            if batch.count == 2000 {
                let chunk = batch
                batch.removeAll(keepingCapacity: true)
                try await loop.eventLoop.submit {
                    for envelope in chunk { loop.receive(envelope) }
                    loop.finishBatch()
                }.get()
            }
        }
        let rest = batch
        try await loop.eventLoop.submit {
            for envelope in rest { loop.receive(envelope) }
            loop.finishBatch()
        }.get()
        let after = try await service.counters()
        let received = after.received - before.received
        let accepted = (after.stun + after.dtls + after.rtp + after.rtcp) - (before.stun + before.dtls + before.rtp + before.rtcp)
        let dropped = after.dropped - before.dropped
        #expect(received >= cases, "every case was counted (plus any real traffic)")
        #expect(accepted > 0, "some variants reach a protocol handler")
        #expect(dropped > 0, "some variants are dropped")
        #expect(accepted + dropped == received,
                "each datagram lands in exactly one counter")
        #expect(try await service.census().routes == 2, "no mangled check bound the stranger's address")

        // The publisher's session and the flow survive.
        _ = try await flow.send(10, keyframeFirst: true)
        let got = try await flow.viewer.receiveRTP(count: 10)
        #expect(got.count == 10)
        #expect(!flow.publisherEvents.events.contains { if case .closed = $0 { true } else { false } })
        await flow.close()
        try await service.shutdown()
    }
}
