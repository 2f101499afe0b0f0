// Real offers from Chromium 156 and aiortc 1.16 parse, and the facts a server relies on come
// out of them.
import Foundation
import Testing
@testable import SDP

@Suite struct FixtureParseTests {
    @Test func chromiumSendRecvWithDataChannel() throws {
        let sdp = try Fixture.parsed("chromium-sendrecv-datachannel")
        #expect(sdp.media.map(\.kind) == [.audio, .video, .application])
        #expect(sdp.media.map(\.mid) == ["0", "1", "2"])
        #expect(sdp.bundleGroup?.mids == ["0", "1", "2"])
        #expect(sdp.origin.sessionID == 4_923_391_447_345_341_650)
        #expect(sdp.msidSemantic == MSIDSemantic(identifiers: ["67d0ddd6-8460-41a9-8db9-5c8a0028c0a5"]))
        #expect(sdp.media[0].direction == .sendrecv && sdp.media[1].direction == .sendrecv)

        let audio = sdp.media[0]
        #expect(audio.formats == ["111", "63", "9", "0", "8", "13", "110", "126"])
        let opus = try #require(audio.codec(payloadType: 111))
        #expect(opus.name == "opus" && opus.clockRate == 48000 && opus.channels == 2)
        #expect(opus.parameters == [Parameter("minptime", "10"), Parameter("useinbandfec", "1")])
        #expect(opus.feedback == [.transportCC])
        #expect(audio.codec(payloadType: 63)?.parameters == [Parameter("111/111")])
        #expect(audio.isRTCPMux && audio.isRTCPReducedSize)
        #expect(audio.extensionMaps.first { $0.uri == HeaderExtensionURI.mid }?.id == 4)
        #expect(audio.ssrcs == [4_205_649_679])
        #expect(audio.cname(for: 4_205_649_679) == "XfbpZ5i7w3ahAFLM")

        let video = sdp.media[1]
        let codecs = video.codecs
        #expect(codecs.count == 23)
        #expect(codecs.first { $0.payloadType == 96 }?.name == "VP8")
        #expect(codecs.filter { $0.hasName("H264") }.map(\.payloadType) == [102, 104, 108, 114, 116, 39])
        #expect(codecs.filter { $0.hasName("VP9") }.map(\.payloadType) == [98, 100])
        #expect(codecs.filter { $0.hasName("AV1") }.map(\.payloadType) == [45])
        #expect(video.rtxPayloadType(for: 96) == 97)
        #expect(video.rtxPayloadType(for: 108) == 109)
        #expect(video.codec(payloadType: 96)?.feedback == [.remb, .transportCC, .fir, .nack, .pli])
        #expect(video.codec(payloadType: 108)?.parameters[parameter: "profile-level-id"] == "42e01f")
        #expect(video.ssrcGroups == [SSRCGroup(semantics: "FID", ssrcs: [315_825_517, 1_504_846_672])])
        #expect(video.rtxSSRC(for: 315_825_517) == 1_504_846_672)
        #expect(video.msids == [MediaStreamID(streamID: "67d0ddd6-8460-41a9-8db9-5c8a0028c0a5",
                                              trackID: "937d02c6-570f-44e2-9603-b1d69ce6d4a6")])

        let data = sdp.media[2]
        #expect(data.isDataChannel && data.proto == "UDP/DTLS/SCTP" && data.formats == ["webrtc-datachannel"])
        #expect(data.sctpPort == 5000 && data.maxMessageSize == 262_144)
    }

    @Test func chromiumTransportAndCandidates() throws {
        let sdp = try Fixture.parsed("chromium-sendrecv-datachannel")
        for i in sdp.media.indices {
            let t = try #require(sdp.transport(forMediaAt: i))
            #expect(t.iceUfrag == "NzwU" && t.icePwd == "RMRoIyum5ruuuzrmBIMmLioY")
            #expect(t.iceOptions == ["trickle"])
            #expect(t.setup == .actpass && !t.iceLite)
            #expect(t.fingerprints.map(\.hashFunction) == ["sha-256"])
            #expect(t.fingerprints.first?.bytes.count == 32 && t.fingerprints.first?.bytes.first == 0x58)
            #expect(t.candidates.count == 2)
        }
        let candidates = sdp.media[1].candidates
        #expect(candidates.allSatisfy { $0.address == "127.0.0.1" && $0.type == .host })
        let udp = try #require(candidates.first { $0.isUDP })
        #expect(udp.foundation == "1061436650" && udp.component == 1 && udp.priority == 2_122_260_223)
        #expect(udp.port == 48228 && sdp.media[1].port == 48228)
        #expect(udp.extensionValue("generation") == "0" && udp.extensionValue("network-cost") == "50")
        let tcp = try #require(candidates.first { !$0.isUDP })
        #expect(tcp.port == 9 && tcp.extensionValue("tcptype") == "active")
    }

    @Test func chromiumWHIPIsSendOnly() throws {
        let sdp = try Fixture.parsed("chromium-sendonly-whip")
        #expect(sdp.media.map(\.direction) == [.sendonly, .sendonly])
        #expect(sdp.media.map(\.mid) == ["0", "1"])
        #expect(sdp.media[1].ssrcGroups.first?.semantics == "FID")
        #expect(sdp.media[1].ssrcs.count == 2)
        #expect(sdp.media.allSatisfy { $0.candidates.contains { $0.address == "127.0.0.1" } })
    }

    @Test func chromiumWHEPIsRecvOnlyWithoutSSRCs() throws {
        let sdp = try Fixture.parsed("chromium-recvonly-whep")
        #expect(sdp.media.map(\.direction) == [.recvonly, .recvonly])
        #expect(sdp.media.allSatisfy { $0.ssrcs.isEmpty && $0.msids.isEmpty })
        let video = sdp.media[1]
        #expect(video.formats.count == 34)
        #expect(video.codecs.filter { $0.hasName("AV1") }.map(\.payloadType) == [45, 47])
        #expect(video.codecs.filter { $0.hasName("VP9") }.map(\.payloadType) == [98, 100, 35, 37])
        #expect(video.codec(payloadType: 49)?.name == "flexfec-03")
    }

    @Test func chromiumSimulcastRIDs() throws {
        let sdp = try Fixture.parsed("chromium-simulcast")
        let video = sdp.media[1]
        #expect(video.direction == .sendonly)
        #expect(video.rids == ["q", "h", "f"].map { RIDDescription(id: $0, direction: .send) })
        #expect(video.simulcast == Simulcast(send: [[.init("q")], [.init("h")], [.init("f")]]))
        #expect(video.ssrcs.isEmpty)
        #expect(video.extensionMaps.first { $0.uri == HeaderExtensionURI.rtpStreamID }?.id == 10)
        #expect(video.extensionMaps.first { $0.uri == HeaderExtensionURI.repairedRTPStreamID }?.id == 11)
    }

    @Test func aiortcSendRecvWithDataChannel() throws {
        let sdp = try Fixture.parsed("aiortc-sendrecv-datachannel")
        #expect(sdp.origin == Origin(sessionID: 4_004_688_876, sessionVersion: 4_004_688_876, address: "0.0.0.0"))
        #expect(sdp.media.map(\.kind) == [.audio, .video, .application])
        #expect(sdp.media.map(\.mid) == ["0", "1", "2"])
        #expect(sdp.msidSemantic == MSIDSemantic(identifiers: ["*"]))
        #expect(sdp.media[0].codecs.map(\.payloadType) == [96, 9, 0, 8])
        #expect(sdp.media[0].codec(payloadType: 96)?.name == "opus")
        #expect(sdp.media[0].codec(payloadType: 96)?.channels == 2)
        #expect(sdp.media[1].codecs.map(\.name) == ["VP8", "rtx", "H264", "rtx", "H264", "rtx"])
        #expect(sdp.media[1].codec(payloadType: 101)?.parameters[parameter: "profile-level-id"] == "42e01f")
        #expect(sdp.media[1].isRTCPMux && !sdp.media[1].isRTCPReducedSize)
        let t = try #require(sdp.transport(forMediaAt: 2))
        #expect(t.fingerprints.map(\.hashFunction) == ["sha-256", "sha-384", "sha-512"])
        #expect(t.fingerprints.map(\.bytes.count) == [32, 48, 64])
        #expect(t.endOfCandidates && t.iceUfrag == "2isl")
        let c = try #require(sdp.media[0].candidates.first)
        #expect(c.foundation == "16572de626da4e5384a0ce2d0d93678a" && c.priority == 2_130_706_431)
        #expect(c.address == "127.0.0.1" && c.port == 55534 && c.extensions.isEmpty)
    }

    @Test func aiortcRecvOnly() throws {
        let sdp = try Fixture.parsed("aiortc-recvonly")
        #expect(sdp.media.map(\.direction) == [.recvonly, .recvonly])
        #expect(sdp.bundleGroup?.mids == ["0", "1"])
        // aiortc announces SSRCs even on recvonly sections (for its RTCP).
        #expect(sdp.media[0].ssrcs == [1_590_378_493])
    }

    @Test(arguments: Fixture.names)
    func roundTripIsByteExact(name: String) throws {
        let text = try Fixture.text(name)
        let sdp = try SessionDescription(parsing: text)
        #expect(sdp.serialized() == text)
        #expect(try SessionDescription(parsing: sdp.serialized()) == sdp)
    }

    @Test(arguments: Fixture.names)
    func lfOnlyInputParsesToTheSameValue(name: String) throws {
        let text = try Fixture.text(name)
        let lf = text.replacingOccurrences(of: "\r\n", with: "\n")
        #expect(lf.utf8.count < text.utf8.count)
        let sdp = try SessionDescription(parsing: lf)
        #expect(sdp == (try SessionDescription(parsing: text)))
        #expect(sdp.serialized() == text)
    }
}
