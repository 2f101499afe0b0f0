// Typed builders on sections and sessions, and transport inheritance from session level.
import Testing
@testable import SDP

@Suite struct BuilderTests {
    @Test func settersReplaceInPlace() throws {
        var m = try SessionDescription(parsing: minimalOffer(extraMedia: ["a=sendonly", "a=x"])).media[0]
        m.mid = "audio"
        m.direction = .recvonly
        m.setup = .passive
        m.iceOptions = ["trickle", "ice2"]
        m.isRTCPReducedSize = true
        m.isRTCPMux = false
        #expect(m.attributes.map(\.name) == ["mid", "ice-ufrag", "ice-pwd", "fingerprint", "setup", "rtpmap",
                                            "recvonly", "x", "ice-options", "rtcp-rsize"])
        #expect(m.mid == "audio" && m.direction == .recvonly && m.setup == .passive && m.iceOptions == ["trickle", "ice2"])
        m.explicitDirection = nil
        #expect(m.direction == .sendrecv && !m.hasAttribute("recvonly"))
    }

    @Test func setCodecsRewritesFormatsAndLines() throws {
        var m = try SessionDescription(parsing: minimalOffer(extraMedia: ["a=fmtp:111 minptime=10", "a=ssrc:1 cname:x"])).media[0]
        let vp8 = Codec(payloadType: 96, name: "VP8", clockRate: 90000, feedback: [.nack, .pli])
        m.setCodecs([vp8, .rtx(payloadType: 97, associatedPayloadType: 96)])
        #expect(m.formats == ["96", "97"])
        #expect(m.codecs == [vp8, .rtx(payloadType: 97, associatedPayloadType: 96)])
        #expect(m.rtxPayloadType(for: 96) == 97)
        #expect(m.attributes.last?.name == "ssrc")
        #expect(m.attributes.map(\.lineValue).contains("rtcp-fb:96 nack pli"))
    }

    @Test func sessionLevelTransportIsInherited() throws {
        // aiortc and Janus style: credentials, fingerprint and setup at session level.
        let text = ["v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "t=0 0", "a=group:BUNDLE a v",
                    "a=ice-ufrag:sess", "a=ice-pwd:sessionpasswordsession1", "a=fingerprint:sha-256 AA:BB",
                    "a=setup:active", "a=ice-lite",
                    "m=audio 9 UDP/TLS/RTP/SAVPF 0", "a=mid:a", "a=ice-ufrag:over", "a=candidate:1 1 udp 5 10.0.0.1 4000 typ host",
                    "m=video 0 UDP/TLS/RTP/SAVPF 96", "a=mid:v", "a=bundle-only", "a=rtpmap:96 VP8/90000"].joined(separator: "\n")
        let sdp = try SessionDescription(parsing: text)
        let audio = try #require(sdp.transport(forMid: "a"))
        #expect(audio.iceUfrag == "over" && audio.icePwd == "sessionpasswordsession1")
        #expect(audio.setup == .active && audio.iceLite && audio.fingerprints.first?.bytes == [0xAA, 0xBB])
        // The bundle-only video section uses the tagged (first) section's transport.
        let video = try #require(sdp.transport(forMid: "v"))
        #expect(video.iceUfrag == "over" && video.candidates.first?.port == 4000)
        #expect(sdp.media[1].isBundleOnly && !sdp.media[1].isRejected)
        #expect(sdp.transport(forMediaAt: 2) == nil)
    }
}
