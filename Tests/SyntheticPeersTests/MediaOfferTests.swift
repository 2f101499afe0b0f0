import DTLS
import SDP
import Testing
@testable import SyntheticPeers

@Suite("The synthetic peer's offers, read back by our own SDP parser")
struct MediaOfferTests {
    @Test("a publisher with audio: a bundled VP8 section then an Opus section (opus/48000/2), each with its SSRC")
    func publisherWithAudio() throws {
        let peer = try SyntheticPeer(certificate: try DTLSCertificate())
        let offer = try SessionDescription(parsing: peer.offer(MediaOffer(sends: true, videoSSRC: 11, audio: true, audioSSRC: 22)))
        #expect(offer.media.map(\.kind) == [.video, .audio])
        #expect(offer.media.map(\.mid) == ["0", "1"])
        #expect(offer.media.allSatisfy { $0.direction == .sendonly })
        let opus = try #require(offer.media[1].codecs.first)
        #expect(opus.hasName("opus") && opus.clockRate == 48_000 && opus.channels == 2 && opus.payloadType == 111)
        #expect(offer.media[0].ssrcs == [11] && offer.media[1].ssrcs == [22])
    }

    @Test("simulcast: rids and a=simulcast:send in layer order, the rtp-stream-id extension, no SSRCs")
    func simulcastOffer() throws {
        let peer = try SyntheticPeer(certificate: try DTLSCertificate())
        let text = peer.offer(MediaOffer(sends: true, rids: ["q", "h", "f"]))
        let offer = try SessionDescription(parsing: text)
        let video = try #require(offer.media.first)
        #expect(offer.media.count == 1)
        #expect(video.rids.map(\.id) == ["q", "h", "f"])
        #expect(text.contains("a=simulcast:send q;h;f\r\n"))
        #expect(video.extensionMaps.contains { $0.uri == HeaderExtensionURI.rtpStreamID && $0.id == 10 })
        #expect(video.ssrcs.isEmpty)
    }

    @Test("a viewer: recvonly sections, REMB only when asked, no SSRCs")
    func viewerOffer() throws {
        let peer = try SyntheticPeer(certificate: try DTLSCertificate())
        let plain = try SessionDescription(parsing: peer.offer(MediaOffer(sends: false, audio: true)))
        #expect(plain.media.allSatisfy { $0.direction == .recvonly && $0.ssrcs.isEmpty })
        #expect(!(plain.media[0].codecs.first?.feedback.contains(.remb) ?? true))
        let remb = try SessionDescription(parsing: peer.offer(MediaOffer(sends: false, remb: true)))
        #expect(remb.media[0].codecs.first?.feedback.contains(.remb) == true)
    }
}
