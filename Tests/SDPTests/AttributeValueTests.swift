// Typed attribute values: each parses the forms real peers write and writes them back.
import Testing
@testable import SDP

@Suite struct AttributeValueTests {
    @Test func candidateFullGrammar() throws {
        let srflx = try SDPCandidate(parsing:
            "candidate:842163049 1 udp 1677729535 203.0.113.7 46154 typ srflx raddr 10.0.0.2 rport 46154 generation 0 ufrag EsAw network-id 1")
        #expect(srflx.type == .serverReflexive)
        #expect(srflx.relatedAddress == "10.0.0.2" && srflx.relatedPort == 46154)
        #expect(srflx.extensions == [Parameter("generation", "0"), Parameter("ufrag", "EsAw"), Parameter("network-id", "1")])
        #expect(srflx.attributeValue ==
            "842163049 1 udp 1677729535 203.0.113.7 46154 typ srflx raddr 10.0.0.2 rport 46154 generation 0 ufrag EsAw network-id 1")

        let relay = try SDPCandidate(parsing: "3 2 UDP 41885439 2001:db8::1 3478 typ relay raddr 0.0.0.0 rport 0")
        #expect(relay.type == .relay && relay.component == 2 && relay.isUDP && relay.address == "2001:db8::1")
        let prflx = try SDPCandidate(parsing: "a+/B 1 tcp 1845501695 x.local 9 typ prflx tcptype passive")
        #expect(prflx.type == .peerReflexive && prflx.extensionValue("tcptype") == "passive")
        let custom = try SDPCandidate(parsing: "1 256 udp 4294967295 1.2.3.4 65535 typ unusual")
        #expect(custom.type == .other("unusual") && custom.priority == UInt32.max && custom.component == 256)
    }

    @Test func candidateRejections() {
        let bad = [
            "1 1 udp 1 1.2.3.4 5 typ", "1 257 udp 1 1.2.3.4 5 typ host", "1 1 udp 4294967296 1.2.3.4 5 typ host",
            String(repeating: "f", count: 33) + " 1 udp 1 1.2.3.4 5 typ host", "f-o 1 udp 1 1.2.3.4 5 typ host",
            "1 1 udp 1 1.2.3.4 65536 typ host", "1 1 udp 1 1.2.3.4 5 typ host raddr", "1 1 udp 1 1.2.3.4 5 typ host rport x",
            "1 1 udp 1 1.2.3.4 5 typ host raddr 1.1.1.1 rport 99999",
        ]
        for text in bad {
            #expect(throws: SDPError.self, "\(text)") { try SDPCandidate(parsing: text) }
        }
    }

    @Test func hostCandidatePriority() {
        let c = SDPCandidate.host(address: "127.0.0.1", port: 50000)
        // RFC 8445 5.1.2.1: (2^24)*126 + (2^8)*65535 + (256 - 1).
        #expect(c.priority == 2_130_706_431)
        #expect(c.attributeValue == "1 1 udp 2130706431 127.0.0.1 50000 typ host")
    }

    @Test func simulcastForms() throws {
        let s = try Simulcast(parsing: "send 1,~4;2;3 recv c")
        #expect(s.send == [[.init("1"), .init("4", paused: true)], [.init("2")], [.init("3")]])
        #expect(s.recv == [[.init("c")]])
        #expect(s.attributeValue == "send 1,~4;2;3 recv c")
        let recvFirst = try Simulcast(parsing: "recv a;b send x")
        #expect(recvFirst.recv.count == 2 && recvFirst.send.count == 1)
        #expect(recvFirst.allRIDs == ["x", "a", "b"])
        for bad in ["send", "send a recv", "send a send b", "send a,,b", "send ~", "send a b c d e", "send a!b"] {
            #expect(throws: SDPError.self, "\(bad)") { try Simulcast(parsing: bad) }
        }
    }

    @Test func ridWithPayloadTypesAndRestrictions() throws {
        let rid = try RIDDescription(parsing: "hi send pt=96,98;max-width=1280;max-height=720")
        #expect(rid.payloadTypes == [96, 98])
        #expect(rid.restrictions == [Parameter("max-width", "1280"), Parameter("max-height", "720")])
        #expect(rid.attributeValue == "hi send pt=96,98;max-width=1280;max-height=720")
        #expect(throws: SDPError.self) { try RIDDescription(parsing: "hi send pt=96;pt=97") }
        #expect(throws: SDPError.self) { try RIDDescription(parsing: "h.i send") }
    }

    @Test func extmapWithDirectionAndAttributes() throws {
        let e = try ExtensionMap(parsing: "7/recvonly urn:ietf:params:rtp-hdrext:encrypt urn:x extra")
        #expect(e.id == 7 && e.direction == .recvonly && e.extensionAttributes == "urn:x extra")
        #expect(e.attributeValue == "7/recvonly urn:ietf:params:rtp-hdrext:encrypt urn:x extra")
        #expect(try ExtensionMap(parsing: "4096 urn:a").id == 4096)
        #expect(throws: SDPError.self) { try ExtensionMap(parsing: "256 urn:a") }
        #expect(throws: SDPError.self) { try ExtensionMap(parsing: "4352 urn:a") }
    }

    @Test func fingerprintBytesAndCase() throws {
        let f = try SDPFingerprint(parsing: "SHA-256 ab:CD:0f")
        #expect(f.hashFunction == "sha-256" && f.bytes == [0xAB, 0xCD, 0x0F])
        #expect(f.attributeValue == "sha-256 AB:CD:0F")
        #expect(throws: SDPError.self) { try SDPFingerprint(parsing: "sha-256 ABC:D") }
        #expect(throws: SDPError.self) { try SDPFingerprint(parsing: "sha-256 AB::CD") }
        #expect(throws: SDPError.self) { try SDPFingerprint(parsing: "sha-256 +A:BC") }
    }

    @Test func ssrcAndGroups() throws {
        let a = try SSRCAttribute(parsing: "3735928559 msid:stream track")
        #expect(a.ssrc == 0xDEAD_BEEF && a.attribute == "msid" && a.value == "stream track")
        #expect(try SSRCAttribute(parsing: "1 label").value == nil)
        let g = try SSRCGroup(parsing: "SIM 1 2 3")
        #expect(g.ssrcs == [1, 2, 3] && g.attributeValue == "SIM 1 2 3")
    }

    @Test func msidSemanticKeepsChromiumSpacing() throws {
        let m = try MSIDSemantic(parsing: " WMS a b")
        #expect(m.semantic == "WMS" && m.identifiers == ["a", "b"])
        #expect(m.attributeValue == " WMS a b")
        #expect(try MSIDSemantic(parsing: "WMS *").identifiers == ["*"])
    }

    @Test func fmtpParameterLists() throws {
        let f = try FormatParameters(parsing: "102 level-asymmetry-allowed=1; packetization-mode=1;profile-level-id=42e01f")
        #expect(f.payloadType == 102)
        #expect(f.parameters[parameter: "PACKETIZATION-MODE"] == "1")
        #expect(f.attributeValue == "102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f")
        #expect(try FormatParameters(parsing: "webrtc-datachannel max-message-size=100000").payloadType == nil)
    }

    @Test func rtcpFeedbackWildcard() throws {
        let sdp = try SessionDescription(parsing: minimalOffer(extraMedia: ["a=rtcp-fb:* nack", "a=rtcp-fb:111 transport-cc"]))
        #expect(sdp.media[0].codecs.first?.feedback == [.transportCC, .nack])
        #expect(try RTCPFeedback(parsing: "* ccm fir").attributeValue == "* ccm fir")
    }

    @Test func staticPayloadTypesWithoutRTPMap() throws {
        let sdp = try SessionDescription(parsing: "v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0 0\nm=audio 9 RTP/AVP 0 8 99\n")
        #expect(sdp.media[0].codecs.map(\.name) == ["PCMU", "PCMA"])
    }

    @Test func h264Profiles() {
        #expect(H264ProfileLevelID("42e01f")?.profile == .constrainedBaseline)
        #expect(H264ProfileLevelID("42001f")?.profile == .baseline)
        #expect(H264ProfileLevelID("42c01f")?.profile == .constrainedBaseline)
        #expect(H264ProfileLevelID("4d001f")?.profile == .main)
        #expect(H264ProfileLevelID("4d801f")?.profile == .constrainedBaseline)
        #expect(H264ProfileLevelID("640c1f")?.profile == .constrainedHigh)
        #expect(H264ProfileLevelID("64001f")?.profile == .high)
        #expect(H264ProfileLevelID("f4001f")?.profile == .other)
        #expect(H264ProfileLevelID("42e01")  == nil)
        #expect(H264ProfileLevelID("42e01g") == nil)
        #expect(H264ProfileLevelID("+42e01") == nil)
        #expect(H264ProfileLevelID("42E01F")?.text == "42e01f")
        #expect(H264ProfileLevelID.default.profile == .baseline)
    }

    @Test func codecCapabilityMatching() {
        let h264 = { (params: String) in
            Codec(payloadType: 100, name: "h264", clockRate: 90000,
                  parameters: (try? Parameter.list(params, field: "t")) ?? [])
        }
        #expect(CodecCapability.h264.matches(h264("packetization-mode=1;profile-level-id=42e01f")))
        #expect(CodecCapability.h264.matches(h264("packetization-mode=1;profile-level-id=42001f")))
        #expect(CodecCapability.h264.matches(h264("packetization-mode=1;profile-level-id=42e034")))
        #expect(!CodecCapability.h264.matches(h264("packetization-mode=0;profile-level-id=42e01f")))
        #expect(!CodecCapability.h264.matches(h264("profile-level-id=42e01f")))
        #expect(!CodecCapability.h264.matches(h264("packetization-mode=1;profile-level-id=4d001f")))
        #expect(!CodecCapability.h264.matches(h264("packetization-mode=1;profile-level-id=640c1f")))
        #expect(!CodecCapability.h264.matches(h264("packetization-mode=1;profile-level-id=zzzzzz")))
        #expect(CodecCapability.opus.matches(Codec(payloadType: 111, name: "OPUS", clockRate: 48000, channels: 2)))
        #expect(!CodecCapability.opus.matches(Codec(payloadType: 111, name: "opus", clockRate: 48000)))
        #expect(!CodecCapability.vp8.matches(Codec(payloadType: 96, name: "VP8", clockRate: 48000)))
    }
}
