import NIOCore
import RTP
import SFU
import STUN
import TestSupport
import Testing
@testable import MediaTransport

@Suite("end to end over loopback: ICE, DTLS, SRTP, room, egress", .serialized)
struct EndToEndTests {
    static let publisherSSRC: UInt32 = 0x1111_0001

    /// A connected publisher (VP8, SSRC `publisherSSRC`) and a connected WHEP viewer.
    struct Flow {
        let service: MediaTransportService
        let publisher: LoopbackClient
        let viewer: LoopbackClient
        let publisherSession: PeerSessionID
        let viewerSession: PeerSessionID
        let publisherEvents: EventLog
        let viewerEvents: EventLog
        var sequenceNumber: UInt16 = 1000
        var timestamp: UInt32 = 90_000

        static func start(_ service: MediaTransportService) async throws -> Flow {
            let publisher = try await LoopbackClient.make()
            let (pubID, pubEvents) = try await TestHarness.open(
                service, publisher, participant: "alice", role: .host, intent: .publish,
                sections: [.init(kind: .video, direction: .sendonly, ssrc: publisherSSRC, rtxSSRC: 0x1111_0002)])
            try await publisher.connect()
            try #require(try await pubEvents.waitConnected())
            let viewer = try await LoopbackClient.make()
            let (viewID, viewEvents) = try await TestHarness.open(
                service, viewer, participant: "bob", role: .viewer, intent: .watch,
                sections: [.init(kind: .video, direction: .recvonly)])
            try await viewer.connect()
            try #require(try await viewEvents.waitConnected())
            return Flow(service: service, publisher: publisher, viewer: viewer, publisherSession: pubID,
                        viewerSession: viewID, publisherEvents: pubEvents, viewerEvents: viewEvents)
        }

        /// Sends `count` VP8 packets (the first a keyframe when asked) and returns them.
        mutating func send(_ count: Int, keyframeFirst: Bool) async throws -> [[UInt8]] {
            var sent: [[UInt8]] = []
            for i in 0..<count {
                let packet = try LoopbackClient.vp8Packet(ssrc: publisherSSRC, sequenceNumber: sequenceNumber,
                                                          timestamp: timestamp, keyframe: keyframeFirst && i == 0)
                sequenceNumber &+= 1
                timestamp &+= 3000
                try await publisher.sendRTP(packet)
                sent.append(packet)
            }
            return sent
        }

        func close() async {
            await service.closeSession(viewerSession)
            await service.closeSession(publisherSession)
            await publisher.close()
            await viewer.close()
        }
    }

    @Test("a publisher's VP8 reaches a WHEP viewer with the SSRC the viewer's answer announced, continuous and intact")
    func publishAndWatch() async throws {
        let service = try await TestHarness.service()
        var flow = try await Flow.start(service)
        let announced = try #require(flow.viewer.announcedSSRC(section: 0))
        #expect(announced != Self.publisherSSRC)

        let delaysBefore = try await service.forwardDelays()
        let sent = try await flow.send(30, keyframeFirst: true)
        let received = try await flow.viewer.receiveRTP(count: 30)
        #expect(received.count == 30)
        // Each forwarded copy was timed from its socket read to its send, and on loopback that
        // is well under a second.
        let delays = try await service.forwardDelays() - delaysBefore
        #expect(delays.count == 30)
        #expect((delays.percentile(1) ?? .max) < 1_000_000_000)
        var previous: UInt16?
        for (original, forwarded) in zip(sent, received) {
            let header = try RTPHeader(parsing: forwarded)
            let source = try RTPHeader(parsing: original)
            #expect(header.ssrc == announced)
            #expect(header.payloadType == LoopbackClient.videoPayloadType)
            #expect(!header.hasExtension, "the publisher's header extension ids mean nothing to the viewer")
            #expect(Array(forwarded[header.payloadRange]) == Array(original[source.payloadRange]))
            if let previous { #expect(header.sequenceNumber == previous &+ 1) }
            previous = header.sequenceNumber
        }
        let tracks = await service.tracks(in: "room")
        #expect(tracks.count == 1)
        #expect(tracks.first?.participant == "alice")
        #expect(tracks.first?.kind == "video")

        await flow.close()
        #expect(try await flow.viewerEvents.closedReason() != nil)
        try await TestHarness.expectEmpty(service)
        #expect(await service.tracks(in: "room").isEmpty)
        try await service.shutdown()
    }

    @Test("the host's mute stops a publisher's video reaching viewers until unmuted; closing a room ends every session")
    func muteAndCloseRoom() async throws {
        let service = try await TestHarness.service()
        var flow = try await Flow.start(service)
        _ = try await flow.send(5, keyframeFirst: true)
        #expect(try await flow.viewer.receiveRTP(count: 5).count == 5)

        let muted = await service.setMuted(true, kind: "video", participants: ["alice"], in: "room")
        #expect(muted.map(\.muted) == [true])
        #expect(await service.setMuted(true, kind: "audio", participants: ["alice"], in: "room").isEmpty, "alice sends no audio")
        _ = try await flow.send(10, keyframeFirst: false)
        #expect(try await flow.viewer.receiveRTP(count: 1, timeout: .milliseconds(400)).isEmpty, "muted video is not forwarded")
        #expect(await service.tracks(in: "room").map(\.muted) == [true])

        _ = await service.setMuted(false, kind: "video", participants: ["alice"], in: "room")
        _ = try await flow.send(10, keyframeFirst: true)  // the unmute asked for a keyframe; here it is
        #expect(try await flow.viewer.receiveRTP(count: 10).count == 10)

        await service.closeSessions(in: "room", participants: nil, reason: "session ended")
        #expect(try await flow.viewerEvents.closedReason() == "session ended")
        #expect(try await flow.publisherEvents.closedReason() == "session ended")
        try await TestHarness.expectEmpty(service)
        await flow.publisher.close()
        await flow.viewer.close()
        try await service.shutdown()
    }

    @Test("hostile datagrams are dropped and counted by reason while the live flow keeps going")
    func hostileDatagrams() async throws {
        let service = try await TestHarness.service()
        var flow = try await Flow.start(service)
        _ = try await flow.send(10, keyframeFirst: true)
        #expect(try await flow.viewer.receiveRTP(count: 10).count == 10)
        let before = try await service.counters()

        let attacker = try await LoopbackClient.make()
        try attacker.accept(answer: try #require(flow.publisher.answer?.serialized()))
        // Random bytes of every class.
        var rng = SeededGenerator(seed: 0xBAD)
        for _ in 0..<200 { try await attacker.send(rng.bytes(count: 1 + Int(rng.next() % 300))) }
        // A check for the publisher's session with the wrong password: refused, never bound.
        let refused = try await attacker.check(password: "wrongwrongwrongwrongwrong")
        #expect(refused?.type == .bindingError)
        // A check naming a ufrag nobody has.
        _ = try await attacker.check(ufrag: "nobodyXX", awaitResponse: false)
        // DTLS and RTP from an address that never passed a check.
        try await attacker.send([0x16, 0xFE, 0xFD] + [UInt8](repeating: 0, count: 60))
        try await attacker.send(try LoopbackClient.vp8Packet(ssrc: 7, sequenceNumber: 1, timestamp: 1, keyframe: true))

        // RTP from a checked address that never did DTLS.
        let halfway = try await LoopbackClient.make()
        _ = try await TestHarness.open(service, halfway, participant: "carol", role: .guest, intent: .publish,
                                       sections: [.init(kind: .audio, direction: .sendonly, ssrc: 99)])
        try #require(try await halfway.check()?.type == .bindingSuccess)
        try await halfway.send(try LoopbackClient.vp8Packet(ssrc: 99, sequenceNumber: 1, timestamp: 1, keyframe: false))

        // The publisher's own SRTP, tampered and replayed.
        let session = try #require(flow.publisher.srtp)
        var tampered = try LoopbackClient.vp8Packet(ssrc: Self.publisherSSRC, sequenceNumber: 5, timestamp: 5, keyframe: false)
        try session.protectRTP(&tampered)
        tampered[tampered.count - 1] ^= 0xFF
        try await flow.publisher.send(tampered)
        var replayed = try LoopbackClient.vp8Packet(ssrc: Self.publisherSSRC, sequenceNumber: flow.sequenceNumber,
                                                    timestamp: flow.timestamp, keyframe: false)
        flow.sequenceNumber &+= 1
        flow.timestamp &+= 3000
        try session.protectRTP(&replayed)
        try await flow.publisher.send(replayed)
        try await flow.publisher.send(replayed)

        // The flow goes on.
        _ = try await flow.send(10, keyframeFirst: false)
        let after = try await flow.viewer.receiveRTP(count: 11)
        #expect(after.count == 11, "the replayed packet's first copy and 10 more arrive")

        let counted = try await TestHarness.eventually {
            let c = try await service.counters()
            return c.received - before.received >= 204 + 2 + 13
        }
        #expect(counted)
        let c = try await service.counters()
        #expect(c.badSTUN - before.badSTUN >= 1)
        #expect(c.unknownUfrag - before.unknownUfrag >= 1)
        #expect(c.dtlsBeforeICE - before.dtlsBeforeICE >= 1)
        #expect(c.unknownSource - before.unknownSource >= 1)
        #expect(c.rtpBeforeDTLS - before.rtpBeforeDTLS == 1)
        #expect(c.srtpAuthFail - before.srtpAuthFail == 1)
        #expect(c.srtpReplay - before.srtpReplay == 1)
        #expect(c.dropped - before.dropped >= 200)
        let routes = try await service.census().routes
        #expect(routes == 3, "publisher, viewer and the checked address; never the attacker's")

        await attacker.close()
        await halfway.close()
        await flow.close()
        try await service.shutdown()
    }

    @Test("closing, consent expiry and the connect timeout leave no peers, routes, rooms or timers behind")
    func cleanup() async throws {
        let service = try await TestHarness.service(connectTimeout: .milliseconds(1500), consentTimeout: .seconds(2))
        // Never connects.
        let idle = try await LoopbackClient.make()
        let (_, idleEvents) = try await TestHarness.open(service, idle, participant: "idle", role: .host, intent: .publish,
                                                         sections: [.init(kind: .audio, direction: .sendonly, ssrc: 1)])
        // Connects, then goes silent: consent runs out.
        let silent = try await LoopbackClient.make()
        let (_, silentEvents) = try await TestHarness.open(service, silent, room: "other", participant: "silent",
                                                           role: .host, intent: .publish,
                                                           sections: [.init(kind: .audio, direction: .sendonly, ssrc: 2)])
        try await silent.connect()
        #expect(try await silentEvents.waitConnected())
        // Connects and is closed by signaling.
        let closed = try await LoopbackClient.make()
        let (closedID, closedEvents) = try await TestHarness.open(
            service, closed, room: "other", participant: "closed", role: .viewer, intent: .watch,
            sections: [.init(kind: .audio, direction: .recvonly)])
        try await closed.connect()
        #expect(try await closedEvents.waitConnected())
        let census = try await service.census()
        #expect(census.peers == 3)
        #expect(census.rooms == 2)
        #expect(census.routes == 2)
        #expect(census.ufrags == 3)

        await service.closeSession(closedID)
        #expect(try await closedEvents.closedReason() == "closed by signaling")
        #expect(try await idleEvents.closedReason(timeout: .seconds(5))?.hasPrefix("not connected") == true)
        #expect(try await silentEvents.closedReason(timeout: .seconds(5)) == "ICE consent expired")
        try await TestHarness.expectEmpty(service)
        for client in [idle, silent, closed] { await client.close() }
        try await service.shutdown()
    }
}
