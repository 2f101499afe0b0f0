// Answers to real and hand-made offers: codec intersection, directions, BUNDLE, rejection,
// transport lines, data channels, simulcast.
import Testing
@testable import SDP

let serverFingerprint = SDPFingerprint(hashFunction: "sha-256", bytes: (0..<32).map { UInt8($0) })
let serverTransport = LocalTransport(iceUfrag: "srvU", icePwd: "serverpasswordserverpass",
                                     fingerprints: [serverFingerprint],
                                     candidates: [.host(address: "127.0.0.1", port: 50000)])
let serverConfiguration = AnswerConfiguration(transport: serverTransport, sessionID: 42, sessionVersion: 3)
let sfuStream = OutgoingStream(streamID: "sfu-stream", trackID: "sfu-video", ssrc: 1111, rtxSSRC: 2222, cname: "chobi")

@Suite struct AnswererTests {
    let answerer = SDPAnswerer(configuration: serverConfiguration)

    func answer(_ fixture: String, policies: [String: MediaAnswerPolicy] = [:]) throws -> SDPAnswer {
        try answerer.answer(to: try Fixture.parsed(fixture), policies: policies)
    }

    @Test func chromiumSendRecvCodecIntersection() throws {
        let result = try answer("chromium-sendrecv-datachannel")
        let sdp = result.description
        #expect(sdp.media.count == 3)
        #expect(result.media.allSatisfy { $0.isAccepted })
        #expect(sdp.bundleGroup?.mids == ["0", "1", "2"])

        let audio = sdp.media[0]
        #expect(audio.formats == ["111"])
        #expect(audio.codecs == [Codec(payloadType: 111, name: "opus", clockRate: 48000, channels: 2,
                                       parameters: [Parameter("minptime", "10"), Parameter("useinbandfec", "1")],
                                       feedback: [.transportCC])])
        // VP9, AV1, H.264 packetization-mode=0 and Main, RED and ULPFEC are dropped; offer order and PTs kept.
        let video = sdp.media[1]
        #expect(video.formats == ["96", "97", "102", "103", "108", "109"])
        #expect(video.codecs.map(\.name) == ["VP8", "rtx", "H264", "rtx", "H264", "rtx"])
        #expect(video.rtxPayloadType(for: 96) == 97 && video.rtxPayloadType(for: 108) == 109)
        #expect(video.codec(payloadType: 96)?.feedback == [.remb, .transportCC, .fir, .nack, .pli])
        #expect(video.codec(payloadType: 97)?.feedback == [])
        #expect(video.codec(payloadType: 108)?.parameters == [Parameter("level-asymmetry-allowed", "1"),
            Parameter("packetization-mode", "1"), Parameter("profile-level-id", "42e01f")])
        // playout-delay (5) is answered now: the SFU passes it from publishers to viewers.
        #expect(video.extensionMaps.map(\.id) == [2, 13, 3, 5, 4, 10, 11])
        #expect(result.media[1].extensionID(HeaderExtensionURI.playoutDelay) == 5)
        #expect(result.media[1].extensionID(HeaderExtensionURI.transportWideCC) == 3)
        #expect(result.media[1].extensionID(HeaderExtensionURI.mid) == 4)
        #expect(result.media[1].extensionID(HeaderExtensionURI.timeOffset) == nil)
    }

    @Test func chromiumSendRecvTransportLines() throws {
        let result = try answer("chromium-sendrecv-datachannel")
        let sdp = result.description
        #expect(sdp.isICELite)
        #expect(sdp.origin.sessionID == 42 && sdp.origin.sessionVersion == 3)
        #expect(result.dtlsRole == .passive)
        #expect(result.remoteTransport?.iceUfrag == "NzwU")
        for i in sdp.media.indices {
            let m = sdp.media[i]
            #expect(m.port == 50000 && m.connection == Connection(address: "127.0.0.1"))
            #expect(m.setup == .passive && m.iceUfrag == "srvU" && m.icePwd == "serverpasswordserverpass")
            #expect(m.fingerprints == [serverFingerprint])
            #expect(m.candidates == [.host(address: "127.0.0.1", port: 50000)] && m.isEndOfCandidates)
            #expect(m.mid == String(i))
        }
        #expect(sdp.media[0].isRTCPMux && sdp.media[0].isRTCPReducedSize)
        #expect(sdp.hasAttribute("extmap-allow-mixed"))
        let data = sdp.media[2]
        #expect(data.isDataChannel && data.formats == ["webrtc-datachannel"] && data.proto == "UDP/DTLS/SCTP")
        #expect(data.sctpPort == 5000 && data.maxMessageSize == 262_144)
    }

    @Test func directionsFollowOfferAndPolicy() throws {
        // sendrecv without anything to send: we only receive.
        var result = try answer("chromium-sendrecv-datachannel")
        #expect(result.description.media[0].direction == .recvonly && result.media[0].direction == .recvonly)
        #expect(result.description.media[1].ssrcs.isEmpty && result.description.media[1].msids.isEmpty)
        // sendrecv with a track to send back on video.
        result = try answer("chromium-sendrecv-datachannel", policies: ["1": .accept(send: sfuStream)])
        let video = result.description.media[1]
        #expect(video.direction == .sendrecv)
        #expect(video.msids == [MediaStreamID(streamID: "sfu-stream", trackID: "sfu-video")])
        #expect(video.ssrcGroups == [.fid(media: 1111, rtx: 2222)])
        #expect(video.ssrcs == [1111, 2222] && video.cname(for: 2222) == "chobi")
        #expect(result.description.msidSemantic?.identifiers == ["sfu-stream"])
        // WHIP: the peer only sends.
        result = try answer("chromium-sendonly-whip", policies: ["0": .accept(send: sfuStream)])
        #expect(result.description.media.map(\.direction) == [.recvonly, .recvonly])
        #expect(result.description.media[0].ssrcs.isEmpty)
        // WHEP: the peer only receives; without a track we have nothing to do, with one we send.
        result = try answer("chromium-recvonly-whep")
        #expect(result.description.media.map(\.direction) == [.inactive, .inactive])
        let audioStream = OutgoingStream(streamID: "s", trackID: "a", ssrc: 5, cname: "c")
        result = try answer("chromium-recvonly-whep", policies: ["0": .accept(send: audioStream), "1": .accept(send: sfuStream)])
        #expect(result.description.media.map(\.direction) == [.sendonly, .sendonly])
        #expect(result.description.media[0].ssrcGroups.isEmpty && result.description.media[0].ssrcs == [5])
        #expect(result.description.media[1].rtxSSRC(for: 1111) == 2222)
    }

    @Test func rejectedSectionsGetPortZeroAndLeaveBundle() throws {
        let result = try answer("chromium-sendrecv-datachannel", policies: ["1": .reject])
        let sdp = result.description
        #expect(sdp.media[1].port == 0 && sdp.media[1].isRejected)
        #expect(sdp.media[1].mid == "1" && sdp.media[1].direction == .inactive && sdp.media[1].candidates.isEmpty)
        #expect(result.media[1].outcome == .rejected("rejected by policy"))
        #expect(sdp.bundleGroup?.mids == ["0", "2"])
        #expect(sdp.media[0].port == 50000 && sdp.media[2].port == 50000)
    }

    @Test func simulcastRIDsAreAnsweredRecv() throws {
        let result = try answer("chromium-simulcast")
        let video = result.description.media[1]
        #expect(video.direction == .recvonly)
        #expect(video.rids == ["q", "h", "f"].map { RIDDescription(id: $0, direction: .recv) })
        #expect(video.simulcast == Simulcast(recv: [[.init("q")], [.init("h")], [.init("f")]]))
        #expect(result.media[1].receiveRIDs == ["q", "h", "f"])
        #expect(result.media[1].extensionID(HeaderExtensionURI.rtpStreamID) == 10)
        #expect(result.media[1].extensionID(HeaderExtensionURI.repairedRTPStreamID) == 11)
        #expect(result.description.media[0].rids.isEmpty)
    }

    @Test func aiortcOfferWithMediaLevelFingerprints() throws {
        let result = try answer("aiortc-sendrecv-datachannel")
        let sdp = result.description
        #expect(result.media.allSatisfy { $0.isAccepted })
        #expect(result.remoteTransport?.fingerprints.count == 3)
        #expect(sdp.media[0].codecs.map(\.payloadType) == [96])
        // aiortc writes no fmtp for opus; ours are added.
        #expect(sdp.media[0].codecs.first?.parameters == [Parameter("minptime", "10"), Parameter("useinbandfec", "1")])
        #expect(sdp.media[1].codecs.map(\.payloadType) == [97, 98, 99, 100, 101, 102])
        #expect(sdp.media[1].codec(payloadType: 97)?.feedback == [.nack, .pli, .remb])
        #expect(!sdp.media[1].isRTCPReducedSize)
        #expect(!sdp.hasAttribute("extmap-allow-mixed"))
    }

    @Test func answerParsesBackToTheSameValue() throws {
        for name in Fixture.offers {
            let result = try answer(name, policies: ["1": .accept(send: sfuStream)])
            let text = result.description.serialized()
            let reparsed = try SessionDescription(parsing: text)
            #expect(reparsed == result.description, "\(name)")
            #expect(reparsed.serialized() == text)
        }
    }

    // MARK: hand-made offers

    func offer(bundle: String? = "0", sections: [[String]], session: [String] = []) throws -> SessionDescription {
        var lines = ["v=0", "o=- 9 1 IN IP4 0.0.0.0", "s=-", "t=0 0"]
        if let bundle { lines.append("a=group:BUNDLE \(bundle)") }
        lines += session
        for s in sections { lines += s }
        return try SessionDescription(parsing: lines.joined(separator: "\r\n") + "\r\n")
    }

    func section(_ kind: String = "video", mid: String, formats: String, _ extra: [String] = [],
                 transport: [String] = ["a=ice-ufrag:abcd", "a=ice-pwd:abcdefghijklmnopqrstuv",
                                        "a=fingerprint:sha-256 01:02", "a=setup:actpass"]) -> [String] {
        ["m=\(kind) 9 UDP/TLS/RTP/SAVPF \(formats)", "c=IN IP4 0.0.0.0", "a=mid:\(mid)"] + transport + ["a=rtcp-mux"] + extra
    }

    @Test func codecIntersectionKeepsVP8H264AndTheirRTX() throws {
        let codecs = ["a=rtpmap:98 VP9/90000", "a=rtpmap:99 rtx/90000", "a=fmtp:99 apt=98",
                      "a=rtpmap:45 AV1/90000", "a=rtpmap:46 rtx/90000", "a=fmtp:46 apt=45",
                      "a=rtpmap:96 VP8/90000", "a=rtcp-fb:96 nack", "a=rtcp-fb:96 ccm tmmbr",
                      "a=rtpmap:97 rtx/90000", "a=fmtp:97 apt=96;rtx-time=3000",
                      "a=rtpmap:127 H264/90000", "a=fmtp:127 profile-level-id=42e01f;packetization-mode=1",
                      "a=rtpmap:125 rtx/90000", "a=fmtp:125 apt=127", "a=rtpmap:124 rtx/90000", "a=fmtp:124 apt=99"]
        let o = try offer(sections: [section(mid: "0", formats: "98 99 45 46 96 97 127 125 124", codecs)])
        let result = try answerer.answer(to: o)
        let video = result.description.media[0]
        #expect(video.formats == ["96", "97", "127", "125"])
        #expect(video.codec(payloadType: 96)?.feedback == [.nack])
        #expect(video.codec(payloadType: 97)?.parameters == [Parameter("apt", "96"), Parameter("rtx-time", "3000")])
        // level-asymmetry-allowed is added from our capability; the offer's own values stay first.
        #expect(video.codec(payloadType: 127)?.parameters.map(\.name) == ["profile-level-id", "packetization-mode",
                                                                          "level-asymmetry-allowed"])
        #expect(result.media[0].codecs.count == 4)
    }

    @Test func sectionsWithoutACommonCodecAreRejected() throws {
        let o = try offer(bundle: "0 1", sections: [
            section("audio", mid: "0", formats: "9 0", ["a=rtpmap:9 G722/8000"]),
            section(mid: "1", formats: "98", ["a=rtpmap:98 VP9/90000"]),
        ])
        let result = try answerer.answer(to: o)
        #expect(result.media.map(\.outcome) == [.rejected("no common codec"), .rejected("no common codec")])
        #expect(result.description.media.map(\.port) == [0, 0])
        #expect(result.description.media[0].formats == ["9", "0"])
        #expect(result.description.bundleGroup == nil)
        let reparsed = try SessionDescription(parsing: result.description.serialized())
        #expect(reparsed == result.description)
    }

    @Test func unsupportedSectionsAreRejected() throws {
        let o = try offer(bundle: "0 1 2 3", sections: [
            ["m=text 9 UDP/TLS/RTP/SAVPF 98", "a=mid:0", "a=rtpmap:98 t140/1000"],
            ["m=audio 9 RTP/AVP 0", "a=mid:1"],
            ["m=audio 9 UDP/TLS/RTP/SAVPF 111", "a=mid:2", "a=rtpmap:111 opus/48000/2"],
            ["m=application 9 DTLS/SCTP 5000", "a=mid:3"],
            section("audio", mid: "4", formats: "111", ["a=rtpmap:111 opus/48000/2"]),
        ])
        let result = try answerer.answer(to: o)
        #expect(result.media.map(\.outcome) == [
            .rejected("unsupported media kind text"), .rejected("unsupported transport RTP/AVP"), .rejected("no rtcp-mux"),
            .rejected("unsupported application DTLS/SCTP"), .rejected("outside the BUNDLE group"),
        ])
        #expect(result.description.bundleGroup == nil)
        #expect(result.description.media.allSatisfy { $0.port == 0 })
    }

    @Test func dtlsRoleAndTransportRequirements() throws {
        let audio = ["a=rtpmap:111 opus/48000/2"]
        let passive = try offer(sections: [section("audio", mid: "0", formats: "111", audio,
            transport: ["a=ice-ufrag:abcd", "a=ice-pwd:abcdefghijklmnopqrstuv", "a=fingerprint:sha-256 01:02", "a=setup:passive"])])
        let result = try answerer.answer(to: passive)
        #expect(result.dtlsRole == .active && result.description.media[0].setup == .active)

        let noFingerprint = try offer(sections: [section("audio", mid: "0", formats: "111", audio,
            transport: ["a=ice-ufrag:abcd", "a=ice-pwd:abcdefghijklmnopqrstuv"])])
        #expect(throws: SDPError.cannotAnswer("section 0 has no DTLS fingerprint")) { try answerer.answer(to: noFingerprint) }
        let noICE = try offer(sections: [section("audio", mid: "0", formats: "111", audio, transport: ["a=fingerprint:sha-256 01:02"])])
        #expect(throws: SDPError.cannotAnswer("section 0 has no ICE credentials")) { try answerer.answer(to: noICE) }
        let hold = try offer(sections: [section("audio", mid: "0", formats: "111", audio,
            transport: ["a=ice-ufrag:abcd", "a=ice-pwd:abcdefghijklmnopqrstuv", "a=fingerprint:sha-256 01:02", "a=setup:holdconn"])])
        #expect(throws: SDPError.cannotAnswer("section 0 has setup:holdconn")) { try answerer.answer(to: hold) }
        // Session-level credentials (Janus/aiortc style) are enough.
        let sessionLevel = try offer(sections: [section("audio", mid: "0", formats: "111", audio, transport: [])],
            session: ["a=ice-ufrag:abcd", "a=ice-pwd:abcdefghijklmnopqrstuv", "a=fingerprint:sha-256 01:02", "a=setup:active"])
        #expect(try answerer.answer(to: sessionLevel).media[0].isAccepted)
    }

    @Test func bundleRequirements() throws {
        let audio = ["a=rtpmap:111 opus/48000/2"]
        let single = try offer(bundle: nil, sections: [section("audio", mid: "0", formats: "111", audio)])
        let result = try answerer.answer(to: single)
        #expect(result.media[0].isAccepted && result.description.groups.isEmpty)
        let two = try offer(bundle: nil, sections: [section("audio", mid: "0", formats: "111", audio),
                                                    section("audio", mid: "1", formats: "111", audio)])
        #expect(throws: SDPError.self) { try answerer.answer(to: two) }
    }

    @Test func extmapDirectionIsReversedAndRIDPayloadTypesFiltered() throws {
        let o = try offer(sections: [section(mid: "0", formats: "96 98", [
            "a=extmap:4/sendonly urn:ietf:params:rtp-hdrext:sdes:mid", "a=extmap:9 urn:unknown",
            "a=sendonly", "a=rtpmap:96 VP8/90000", "a=rtpmap:98 VP9/90000",
            "a=rid:lo send pt=98,96;max-width=320", "a=rid:hi send pt=96", "a=rid:x send",
            "a=simulcast:send ~lo,gone;hi",
        ])])
        let result = try answerer.answer(to: o)
        let video = result.description.media[0]
        #expect(video.extensionMaps == [ExtensionMap(id: 4, uri: HeaderExtensionURI.mid, direction: .recvonly)])
        #expect(video.rids == [RIDDescription(id: "lo", direction: .recv, payloadTypes: [96], restrictions: [Parameter("max-width", "320")]),
                               RIDDescription(id: "hi", direction: .recv, payloadTypes: [96])])
        #expect(video.simulcast == Simulcast(recv: [[.init("lo", paused: true)], [.init("hi")]]))
        #expect(result.media[0].receiveRIDs == ["lo", "hi"])
    }

    @Test func dataChannelCanBeDisabled() throws {
        var configuration = serverConfiguration
        configuration.acceptsDataChannels = false
        configuration.sctpPort = 6000
        let result = try SDPAnswerer(configuration: configuration).answer(to: try Fixture.parsed("aiortc-sendrecv-datachannel"))
        #expect(result.media[2].outcome == .rejected("data channels disabled"))
        #expect(result.description.media[2].port == 0 && result.description.media[2].formats == ["webrtc-datachannel"])
        #expect(result.description.bundleGroup?.mids == ["0", "1"])
    }
}
