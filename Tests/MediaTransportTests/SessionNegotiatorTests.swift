import DTLS
import ICE
import SDP
import SFU
import TestSupport
import Testing
@testable import MediaTransport

@Suite("session negotiation: roles, publications, WHEP bindings, server offers")
struct SessionNegotiatorTests {
    let client = ICECredentials.random()
    let clientFingerprint = "sha-256 " + (0..<32).map { _ in "AB" }.joined(separator: ":")
    let identity = LocalIdentity(credentials: ICECredentials.random(),
                                 fingerprint: SDPFingerprint(hashFunction: "sha-256", bytes: Array(repeating: 7, count: 32)),
                                 candidateAddresses: ["127.0.0.1"], port: 50_000, sessionID: 42)

    func offer(_ sections: [LoopbackClient.Section]) throws -> SessionDescription {
        try SessionDescription(parsing: LoopbackClient.offerText(sections, credentials: client, fingerprint: clientFingerprint))
    }

    func answer(_ sections: [LoopbackClient.Section], role: RoomRole = .host, intent: PeerIntent = .publish,
                existing: [SectionState] = [], available: [RoomTrackSnapshot] = []) throws(MediaPlaneError) -> ClientOfferOutcome {
        var rng = SeededGenerator(seed: 9)
        let parsed: SessionDescription
        do { parsed = try offer(sections) } catch { throw .badOffer("\(error)") }
        return try SessionNegotiator.answer(offer: parsed, role: role, intent: intent, identity: identity, version: 1,
                                            existing: existing, available: available, random: &rng)
    }

    static let vp8Track = RoomTrackSnapshot(id: 7, publisher: 1, kind: .video, codec: .vp8, streamID: "alice", name: "t7")

    @Test("a publisher's offer becomes a track plan with its SSRCs, RTX and feedback; the answer is ice-lite recvonly")
    func publisherPlan() throws {
        let outcome = try answer([.init(kind: .video, direction: .sendonly, ssrc: 1000, rtxSSRC: 1001),
                                  .init(kind: .audio, direction: .sendonly, ssrc: 2000)])
        try #require(outcome.publishes.count == 2)
        let video = outcome.publishes[0].plan
        #expect(video.codec == .vp8)
        #expect(video.payloadType == 96)
        #expect(video.ssrc == 1000)
        #expect(video.rtxSSRC == 1001)
        #expect(video.rtxPayloadType == 97)
        #expect(video.acceptsNACK)
        #expect(video.keyframeRequestMethod == .pli)
        let audio = outcome.publishes[1].plan
        #expect(audio.codec == .opus)
        #expect(audio.ssrc == 2000)
        #expect(audio.rtxSSRC == nil)
        #expect(outcome.answer.isICELite)
        #expect(outcome.answer.media.allSatisfy { $0.direction == .recvonly })
        #expect(outcome.answer.media[0].candidates.first?.port == 50_000)
        #expect(outcome.dtlsRole == .server, "we answer setup:passive")
        #expect(outcome.midExtensionID == LoopbackClient.midExtensionID)
        #expect(outcome.remoteCredentials == client)
    }

    @Test("viewers may not publish or send tracks; a viewer's sendrecv section without a track is not received")
    func viewerRules() throws {
        #expect(throws: MediaPlaneError.self) {
            _ = try answer([.init(kind: .video, direction: .sendonly, ssrc: 1)], role: .viewer, intent: .watch)
        }
        #expect(throws: MediaPlaneError.self) {
            _ = try answer([.init(kind: .audio, direction: .recvonly)], role: .viewer, intent: .publish)
        }
        let outcome = try answer([.init(kind: .audio, direction: .sendrecv, announcesTrack: false)], role: .viewer,
                                 intent: .interactive)
        #expect(outcome.publishes.isEmpty)
        #expect(!outcome.answer.media[0].direction.receives)
    }

    @Test("WHEP: a receiving section gets a room track of its kind with our own SSRC; one with nothing goes inactive")
    func watchBindings() throws {
        let outcome = try answer([.init(kind: .audio, direction: .recvonly), .init(kind: .video, direction: .recvonly)],
                                 role: .viewer, intent: .watch, available: [Self.vp8Track])
        #expect(outcome.answer.media[0].direction == .inactive)
        #expect(outcome.answer.media[1].direction == .sendonly)
        #expect(outcome.newSends == [1])
        guard case .sending(let binding) = outcome.sections[1].usage else {
            Issue.record("video section not bound")
            return
        }
        #expect(binding.trackID == 7)
        #expect(binding.payloadType == 96)
        #expect(binding.rtxPayloadType == 97)
        #expect(outcome.answer.media[1].ssrcs.first == binding.stream.ssrc)
        #expect(outcome.answer.media[1].msids.first?.trackID == "t7")
    }

    @Test("a sending section with neither a=ssrc nor the MID extension cannot be routed: badOffer")
    func unroutable() throws {
        #expect(throws: MediaPlaneError.self) {
            _ = try answer([.init(kind: .audio, direction: .sendonly, midExtension: false)])
        }
        let learned = try answer([.init(kind: .audio, direction: .sendonly)])
        #expect(learned.publishes.first?.plan.ssrc == nil, "learned from the first packet by MID")
    }

    @Test("a simulcast section publishes its first rid, SSRC learned from the RID extension")
    func simulcastPlan() throws {
        let outcome = try answer([.init(kind: .video, direction: .sendonly, rids: ["h", "m", "l"])])
        let plan = try #require(outcome.publishes.first?.plan)
        #expect(plan.rid == "h")
        #expect(plan.ssrc == nil)
        #expect(outcome.ridExtensionID == 10)
    }

    @Test("a renegotiation must keep the negotiated sections in order")
    func keepsSections() throws {
        let first = try answer([.init(kind: .audio, direction: .sendonly, ssrc: 5)])
        var existing = first.sections
        existing[0].usage = .receiving(3)
        let again = try answer([.init(kind: .audio, direction: .sendonly, ssrc: 5), .init(kind: .video, direction: .sendonly, ssrc: 6)],
                               existing: existing)
        #expect(again.publishes.map(\.index) == [1], "only the new section publishes")
        #expect(again.sections[0].usage == .receiving(3))
        existing[0].mid = "other"
        #expect(throws: MediaPlaneError.self) { _ = try answer([.init(kind: .audio, direction: .sendonly, ssrc: 5)], existing: existing) }
        // The client stops sending: the track is unpublished.
        existing[0].mid = "0"
        let stopped = try answer([.init(kind: .audio, direction: .inactive)], existing: existing)
        #expect(stopped.unpublishes == [3])
    }

    @Test("server offers keep every section in place: rejected ones with port 0 outside BUNDLE; answers set payload types")
    func serverOffer() throws {
        var rng = SeededGenerator(seed: 3)
        var sections = [SectionState(mid: "0", kind: .audio, codecs: [Codec(payloadType: 111, name: "opus", clockRate: 48000, channels: 2)],
                                     headerExtensions: [], usage: .receiving(1)),
                        SectionState(mid: "1", kind: .application, codecs: [], headerExtensions: [], usage: .rejected)]
        sections.append(SessionNegotiator.sendSection(for: Self.vp8Track, existing: sections, random: &rng))
        #expect(sections[2].mid == "s2")
        let offer = try SessionNegotiator.offer(sections: sections, identity: identity, version: 2)
        #expect(offer.media.map(\.port) == [50_000, 0, 50_000])
        #expect(offer.bundleGroup?.mids == ["0", "s2"])
        #expect(offer.media[2].direction == .sendonly)
        #expect(offer.media[0].direction == .recvonly)
        let reserved = Set(sections[0].codecs.map(\.payloadType))
        #expect(offer.media[2].codecs.allSatisfy { !reserved.contains($0.payloadType) })

        // The client's answer (built the way the loopback client does it).
        let answerText = try answerText(to: offer)
        let read = try SessionNegotiator.readAnswer(try SessionDescription(parsing: answerText), to: offer, sections: sections,
                                                    identity: identity, tracks: [Self.vp8Track], expectedRole: .server)
        guard case .sending(let binding) = read[2].usage else {
            Issue.record("section s2 not sending")
            return
        }
        let vp8 = try #require(offer.media[2].codecs.first { $0.hasName("VP8") })
        #expect(binding.payloadType == vp8.payloadType)
        #expect(read[1].usage == .rejected)
    }

    private func answerText(to offer: SessionDescription) throws -> String {
        var lines = ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0 s2"]
        for m in offer.media {
            let mid = try #require(m.mid)
            if m.port == 0 {
                lines += ["m=\(m.kind.token) 0 \(m.proto) \(m.formats.joined(separator: " "))", "a=mid:\(mid)"]
                continue
            }
            lines += ["m=\(m.kind.token) 9 \(m.proto) \(m.formats.joined(separator: " "))", "c=IN IP4 0.0.0.0",
                      "a=ice-ufrag:\(client.ufrag)", "a=ice-pwd:\(client.password)", "a=fingerprint:\(clientFingerprint)",
                      "a=setup:active", "a=mid:\(mid)", "a=\(m.direction.reversed.rawValue)", "a=rtcp-mux"]
            for codec in m.codecs { lines += codec.attributes.map { "a=\($0.lineValue)" } }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}
