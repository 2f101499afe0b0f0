// Our subscription offer as real peers answered it (Fixtures/server-offer.sdp and the answers
// Chromium 156 and aiortc 1.16 gave to it).
import Testing
@testable import SDP

@Suite struct ServerOfferExchangeTests {
    let offerer = SDPOfferer(transport: serverTransport)

    @Test func offererOutputIsPinned() throws {
        // The fixture peers answered is exactly what SDPOfferer writes today.
        #expect(try OffererTests().subscription().serialized() == (try Fixture.text("server-offer")))
    }

    @Test func chromiumAnswer() throws {
        let offer = try Fixture.parsed("server-offer")
        let answer = try Fixture.parsed("chromium-answer-to-server-offer")
        let result = try offerer.readAnswer(answer, to: offer)
        #expect(result.media.map(\.isAccepted) == [true, true, true, true])
        #expect(result.media.map(\.direction) == [.sendonly, .sendonly, .inactive, .sendrecv])
        #expect(result.dtlsRole == .passive)
        #expect(result.remoteTransport?.iceUfrag == "mhUQ" && result.remoteTransport?.setup == .active)
        #expect(result.media[0].codecs.map(\.payloadType) == [111])
        #expect(result.media[1].codecs.map(\.payloadType) == [96, 97, 98, 99])
        #expect(result.media[1].extensionID(HeaderExtensionURI.transportWideCC) == 3)
        // Chromium puts candidates only on the first bundled section (port 9 elsewhere);
        // the others inherit them through BUNDLE.
        #expect(answer.media[1].port == 9 && answer.media[1].candidates.isEmpty)
        #expect(answer.transport(forMediaAt: 1)?.candidates.first?.port == 50557)
        #expect(answer.media[3].sctpPort == 5000)
    }

    @Test func aiortcAnswer() throws {
        let offer = try Fixture.parsed("server-offer")
        let answer = try Fixture.parsed("aiortc-answer-to-server-offer")
        let result = try offerer.readAnswer(answer, to: offer)
        #expect(result.media.map(\.isAccepted) == [true, true, true, true])
        #expect(result.media[0].direction == .sendonly && result.media[3].direction == .sendrecv)
        #expect(result.remoteTransport?.fingerprints.count == 3)
        #expect(result.media[1].codecs.map(\.name) == ["VP8", "rtx", "H264", "rtx"])
        #expect(result.dtlsRole == .passive)
    }

    @Test func mismatchedAnswersAreRefused() throws {
        let offer = try Fixture.parsed("server-offer")
        var answer = try Fixture.parsed("chromium-answer-to-server-offer")
        var fewer = answer
        fewer.media.removeLast()
        #expect(throws: SDPError.invalidAnswer("answer has 3 sections, offer 4")) { try offerer.readAnswer(fewer, to: offer) }
        var renamed = answer
        renamed.media[1].mid = "x"
        #expect(throws: SDPError.self) { try offerer.readAnswer(renamed, to: offer) }
        var actpass = answer
        for i in actpass.media.indices { actpass.media[i].setup = .actpass }
        #expect(throws: SDPError.invalidAnswer("section 0 must answer setup active or passive")) { try offerer.readAnswer(actpass, to: offer) }
        var foreignCodec = answer
        foreignCodec.media[0].setCodecs([Codec(payloadType: 100, name: "opus", clockRate: 48000, channels: 2)])
        #expect(throws: SDPError.invalidAnswer("section 0 accepts none of the offered codecs")) { try offerer.readAnswer(foreignCodec, to: offer) }
        // A rejected section is reported, not refused.
        answer.media[2].port = 0
        let result = try offerer.readAnswer(answer, to: offer)
        #expect(result.media[2].outcome == .rejected("rejected by the peer"))
    }
}
