import RTP
import SDP
import SFU
import Testing
@testable import MediaTransport

@Suite("interactive sessions: server offers, glare, renegotiation, ICE restart", .serialized)
struct InteractiveSessionTests {
    static let videoSSRC: UInt32 = 0x2222_0001
    static let audioSSRC: UInt32 = 0x3333_0001

    /// The server offers from `log` so far.
    static func offers(_ log: EventLog) -> [String] {
        log.events.compactMap { if case .offer(let sdp) = $0 { return sdp } else { return nil } }
    }

    static func waitOffers(_ log: EventLog, count: Int) async throws -> [String] {
        _ = try await TestHarness.eventually { offers(log).count >= count }
        return offers(log)
    }

    @Test("each member gets a server offer for the others' tracks once connected; media flows after the answer")
    func serverOffers() async throws {
        let service = try await TestHarness.service()
        let hostSections: [LoopbackClient.Section] = [.init(kind: .video, direction: .sendonly, ssrc: Self.videoSSRC)]
        let guestSections: [LoopbackClient.Section] = [.init(kind: .audio, direction: .sendonly, ssrc: Self.audioSSRC)]
        let host = try await LoopbackClient.make()
        let (hostID, hostEvents) = try await TestHarness.open(service, host, participant: "host", role: .host,
                                                              intent: .interactive, sections: hostSections)
        try await host.connect()
        #expect(try await hostEvents.waitConnected())
        #expect(Self.offers(hostEvents).isEmpty, "nobody else publishes yet")

        let guest = try await LoopbackClient.make()
        let (guestID, guestEvents) = try await TestHarness.open(service, guest, participant: "guest", role: .guest,
                                                                intent: .interactive, sections: guestSections)
        try await guest.connect()
        #expect(try await guestEvents.waitConnected())

        // The guest is offered the host's video in a new sendonly section after its own.
        let guestOffer = try #require(try await Self.waitOffers(guestEvents, count: 1).first)
        let offered = try SessionDescription(parsing: guestOffer)
        try #require(offered.media.count == 2)
        #expect(offered.media[0].mid == "0")
        #expect(offered.media[0].direction == .recvonly)
        #expect(offered.media[1].kind == .video)
        #expect(offered.media[1].direction == .sendonly)
        let offeredSSRC = try #require(offered.media[1].ssrcs.first)
        #expect(offered.isICELite)
        // The host is offered the guest's audio.
        let hostOffer = try #require(try await Self.waitOffers(hostEvents, count: 1).first)
        #expect(try SessionDescription(parsing: hostOffer).media.last?.kind == .audio)
        #expect(hostEvents.events.contains { if case .trackPublished(let info) = $0 { info.participant == "guest" } else { false } })

        // A client offer while the server's is unanswered is a conflict.
        do {
            _ = try await service.renegotiate(host.offer(hostSections), on: hostID)
            Issue.record("renegotiate during a pending server offer succeeded")
        } catch {
            #expect(error == .conflict("a server offer is waiting for its answer"))
        }

        try await service.applyAnswer(guest.answer(toServerOffer: guestOffer, own: guestSections), to: guestID)
        for i in 0..<10 {
            let packet = try LoopbackClient.vp8Packet(ssrc: Self.videoSSRC, sequenceNumber: UInt16(500 + i),
                                                      timestamp: UInt32(9000 * i), keyframe: i == 0)
            try await host.sendRTP(packet)
        }
        let received = try await guest.receiveRTP(count: 10)
        #expect(received.count == 10)
        #expect(try received.allSatisfy { try RTPHeader(parsing: $0).ssrc == offeredSSRC })

        // An answer with nothing pending is a conflict too.
        await #expect(throws: MediaPlaneError.self) {
            try await service.applyAnswer(guest.answer(toServerOffer: guestOffer, own: guestSections), to: guestID)
        }

        // Glare: the host's offer is still out when a third member publishes; its track waits
        // for the answer, then comes in the next offer.
        let third = try await LoopbackClient.make()
        let thirdSections: [LoopbackClient.Section] = [.init(kind: .audio, direction: .sendonly, ssrc: 0x4444_0001)]
        let (thirdID, _) = try await TestHarness.open(service, third, participant: "third", role: .guest,
                                                      intent: .publish, sections: thirdSections)
        try await Task.sleep(for: .milliseconds(50))
        #expect(Self.offers(hostEvents).count == 1, "one offer at a time")
        try await service.applyAnswer(host.answer(toServerOffer: hostOffer, own: hostSections), to: hostID)
        let second = try #require(try await Self.waitOffers(hostEvents, count: 2).last)
        let secondOffer = try SessionDescription(parsing: second)
        #expect(secondOffer.media.count == 3, "own video, the guest's audio, the third's audio")
        #expect(secondOffer.media.map(\.mid) == (try SessionDescription(parsing: hostOffer)).media.map(\.mid) + [secondOffer.media[2].mid])
        try await service.applyAnswer(host.answer(toServerOffer: second, own: hostSections), to: hostID)

        // The guest leaves: the host's section for its audio goes inactive in a new offer.
        await service.closeSession(guestID)
        let third3 = try #require(try await Self.waitOffers(hostEvents, count: 3).last)
        let afterLeave = try SessionDescription(parsing: third3)
        #expect(afterLeave.media[1].direction == .inactive)
        #expect(afterLeave.media[1].ssrcs.isEmpty)
        #expect(hostEvents.events.contains { if case .trackUnpublished = $0 { true } else { false } })

        await service.closeSession(thirdID)
        await service.closeSession(hostID)
        for client in [host, guest, third] { await client.close() }
        try await TestHarness.expectEmpty(service)
        try await service.shutdown()
    }

    @Test("a client re-offer with new ICE credentials restarts ICE: new ufrag answered, old one refused, media goes on")
    func iceRestart() async throws {
        let service = try await TestHarness.service()
        let sections: [LoopbackClient.Section] = [.init(kind: .video, direction: .sendonly, ssrc: Self.videoSSRC)]
        let publisher = try await LoopbackClient.make()
        let (pubID, pubEvents) = try await TestHarness.open(service, publisher, participant: "p", role: .host,
                                                            intent: .publish, sections: sections)
        try await publisher.connect()
        #expect(try await pubEvents.waitConnected())
        let viewer = try await LoopbackClient.make()
        let (viewID, viewEvents) = try await TestHarness.open(service, viewer, participant: "v", role: .viewer,
                                                              intent: .watch, sections: [.init(kind: .video, direction: .recvonly)])
        try await viewer.connect()
        #expect(try await viewEvents.waitConnected())

        let oldTransport = try #require(publisher.answer?.transport(forMediaAt: 0))
        publisher.restartICE()
        let answer = try await service.renegotiate(publisher.offer(sections), on: pubID)
        try publisher.accept(answer: answer)
        let newTransport = try #require(publisher.answer?.transport(forMediaAt: 0))
        #expect(newTransport.iceUfrag != oldTransport.iceUfrag)
        #expect(newTransport.fingerprints == oldTransport.fingerprints)
        let stale = try await publisher.check(password: oldTransport.icePwd, ufrag: oldTransport.iceUfrag)
        #expect(stale?.type == .bindingError, "old credentials are refused after the restart")
        #expect(try await publisher.check()?.type == .bindingSuccess)
        #expect(await service.tracks(in: "room").count == 1, "the re-offer keeps the published track")

        for i in 0..<5 {
            try await publisher.sendRTP(try LoopbackClient.vp8Packet(ssrc: Self.videoSSRC, sequenceNumber: UInt16(i),
                                                                     timestamp: UInt32(i * 3000), keyframe: i == 0))
        }
        #expect(try await viewer.receiveRTP(count: 5).count == 5)

        await service.closeSession(viewID)
        await service.closeSession(pubID)
        await publisher.close()
        await viewer.close()
        try await TestHarness.expectEmpty(service)
        try await service.shutdown()
    }
}
