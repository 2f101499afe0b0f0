import DTLS
import ICE
import SDP
import SFU
import TestSupport
import Testing
@testable import MediaTransport

/// Data channel sections in offer/answer, and the chat relay's pure pieces (envelope, allowance).
@Suite("data channels: one SCTP section per session, chat envelopes and rate")
struct DataChannelNegotiationTests {
    let client = ICECredentials.random()
    let identity = LocalIdentity(credentials: ICECredentials.random(),
                                 fingerprint: SDPFingerprint(hashFunction: "sha-256", bytes: Array(repeating: 7, count: 32)),
                                 candidateAddresses: ["127.0.0.1"], port: 50_000, sessionID: 42)

    /// A video section (from the loopback client) followed by data channel sections, all bundled.
    func offer(video: Bool = true, applicationMids: [String], sctpPort: Int = 5000) throws -> SessionDescription {
        let fingerprint = "sha-256 " + (0..<32).map { _ in "AB" }.joined(separator: ":")
        var text = LoopbackClient.offerText(video ? [.init(kind: .video, direction: .sendonly, ssrc: 1000)] : [],
                                            credentials: client, fingerprint: fingerprint)
        text = text.replacingBundle(adding: applicationMids)
        for mid in applicationMids {
            text += ["m=application 9 UDP/DTLS/SCTP webrtc-datachannel", "c=IN IP4 0.0.0.0",
                     "a=ice-ufrag:\(client.ufrag)", "a=ice-pwd:\(client.password)", "a=fingerprint:\(fingerprint)",
                     "a=setup:actpass", "a=mid:\(mid)", "a=sctp-port:\(sctpPort)", "a=max-message-size:65536"]
                .joined(separator: "\r\n") + "\r\n"
        }
        return try SessionDescription(parsing: text)
    }

    func answer(_ offer: SessionDescription, role: RoomRole = .host, existing: [SectionState] = []) throws -> ClientOfferOutcome {
        var rng = SeededGenerator(seed: 3)
        return try SessionNegotiator.answer(offer: offer, role: role, intent: .interactive, identity: identity, version: 1,
                                            existing: existing, available: [], random: &rng)
    }

    @Test("the first data channel section is accepted with our SCTP port and size; a second is rejected")
    func oneAssociation() throws {
        let outcome = try answer(try offer(applicationMids: ["dc", "dc2"], sctpPort: 5001))
        #expect(outcome.sections.map(\.usage) == [.receiving(nil), .dataChannel(remotePort: 5001), .rejected])
        let accepted = outcome.answer.media[1]
        #expect(accepted.port == 50_000 && accepted.isDataChannel)
        #expect(accepted.sctpPort == 5000)
        #expect(accepted.maxMessageSize == UInt64(SessionNegotiator.maxMessageSize))
        #expect(outcome.answer.media[2].port == 0)
    }

    @Test("viewers get data channels (chat is not publishing), even with no media at all")
    func viewersChat() throws {
        let outcome = try answer(try offer(video: false, applicationMids: ["0"]), role: .viewer)
        #expect(outcome.sections.map(\.usage) == [.dataChannel(remotePort: 5000)])
    }

    @Test("a renegotiation keeps the data channel section, and our own offers carry it")
    func keptAcrossOffers() throws {
        let first = try answer(try offer(applicationMids: ["dc"]))
        let again = try answer(try offer(applicationMids: ["dc", "dc2"]), existing: first.sections)
        #expect(again.sections[1].usage == .dataChannel(remotePort: 5000))
        #expect(again.sections[2].usage == .rejected)
        let ours = try SessionNegotiator.offer(sections: again.sections, identity: identity, version: 2)
        #expect(ours.media[1].isDataChannel && ours.media[1].port == 50_000)
        #expect(ours.media[2].port == 0)
    }

    @Test("the chat allowance lets a burst through, then the sustained rate, on virtual time")
    func allowance() {
        var allowance = ChatAllowance(burst: 3)
        let t0 = Duration.seconds(100)
        #expect((0..<5).map { _ in allowance.take(at: t0, perSecond: 2, burst: 3) } == [true, true, true, false, false])
        #expect(allowance.take(at: t0 + .milliseconds(499), perSecond: 2, burst: 3) == false)
        #expect(allowance.take(at: t0 + .milliseconds(1_000), perSecond: 2, burst: 3) == true)
        // A long quiet spell refills to the burst, not beyond.
        let later = t0 + .seconds(60)
        #expect((0..<4).map { _ in allowance.take(at: later, perSecond: 2, burst: 3) } == [true, true, true, false])
    }
}

private extension String {
    func replacingBundle(adding mids: [String]) -> String {
        guard !mids.isEmpty else { return self }
        var lines = components(separatedBy: "\r\n")
        if let i = lines.firstIndex(where: { $0.hasPrefix("a=group:BUNDLE") }) {
            lines[i] += (lines[i].hasSuffix("BUNDLE ") ? "" : " ") + mids.joined(separator: " ")
        }
        return lines.joined(separator: "\r\n")
    }
}
