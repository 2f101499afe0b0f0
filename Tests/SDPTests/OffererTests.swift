// Server-originated offers (subscriptions), checked by parsing them back and by answering
// them with our own answerer.
import Testing
@testable import SDP

@Suite struct OffererTests {
    let offerer = SDPOfferer(transport: serverTransport)

    func subscription() throws -> SessionDescription {
        let audio = SDPOfferer.codecs(for: [.opus], firstPayloadType: 111)
        let video = SDPOfferer.codecs(for: [.vp8, .h264])
        let extensions = [ExtensionMap(id: 1, uri: HeaderExtensionURI.mid), ExtensionMap(id: 3, uri: HeaderExtensionURI.transportWideCC)]
        return try offerer.offer(sections: [
            .init(mid: "0", kind: .audio, codecs: audio, headerExtensions: extensions,
                  stream: OutgoingStream(streamID: "host", trackID: "host-audio", ssrc: 10, cname: "sfu")),
            .init(mid: "1", kind: .video, codecs: video, headerExtensions: extensions, stream: sfuStream),
            .init(mid: "2", kind: .video, direction: .inactive, codecs: video),
            .dataChannel(mid: "3"),
        ], sessionID: 77, sessionVersion: 5)
    }

    @Test func payloadTypeAssignment() {
        let codecs = SDPOfferer.codecs(for: [.vp8, .h264], firstPayloadType: 96, reserved: [97])
        #expect(codecs.map(\.payloadType) == [96, 98, 99, 100])
        #expect(codecs[1] == .rtx(payloadType: 98, associatedPayloadType: 96))
        #expect(codecs[3].associatedPayloadType == 99)
        #expect(SDPOfferer.codecs(for: [.vp8, .h264], firstPayloadType: 126).map(\.payloadType) == [126, 127])
    }

    @Test func subscriptionOfferShape() throws {
        let sdp = try subscription()
        #expect(sdp.bundleGroup?.mids == ["0", "1", "2", "3"])
        #expect(sdp.isICELite && sdp.origin.sessionVersion == 5)
        #expect(sdp.msidSemantic?.identifiers == ["host", "sfu-stream"])
        #expect(sdp.media.map(\.direction) == [.sendonly, .sendonly, .inactive, .sendrecv])
        #expect(sdp.media.allSatisfy { $0.setup == .actpass && $0.port == 50000 && $0.isEndOfCandidates })
        let video = sdp.media[1]
        #expect(video.formats == ["96", "97", "98", "99"])
        #expect(video.ssrcGroups == [.fid(media: 1111, rtx: 2222)])
        #expect(video.msids.first?.trackID == "sfu-video")
        #expect(video.isRTCPMux && video.isRTCPReducedSize)
        #expect(sdp.media[0].codecs.first?.payloadType == 111)
        #expect(sdp.media[0].ssrcGroups.isEmpty && sdp.media[0].ssrcs == [10])
        #expect(sdp.media[2].ssrcs.isEmpty)
        #expect(sdp.media[3].isDataChannel && sdp.media[3].sctpPort == 5000)
        #expect(try SessionDescription(parsing: sdp.serialized()) == sdp)
    }

    @Test func ourAnswererAcceptsOurOffer() throws {
        // A peer built from our own module: it receives everything we send.
        let peer = LocalTransport(iceUfrag: "peer", icePwd: "peerpasswordpeerpasswd", fingerprints: [serverFingerprint],
                                  iceLite: false, candidates: [.host(address: "127.0.0.1", port: 40000)])
        let result = try SDPAnswerer(configuration: AnswerConfiguration(transport: peer, sessionID: 1)).answer(to: try subscription())
        #expect(result.media.map(\.isAccepted) == [true, true, true, true])
        #expect(result.description.media.map(\.direction) == [.recvonly, .recvonly, .inactive, .sendrecv])
        #expect(result.media[1].codecs.map(\.payloadType) == [96, 97, 98, 99])
        #expect(result.media[1].extensionID(HeaderExtensionURI.transportWideCC) == 3)
        #expect(result.dtlsRole == .passive && !result.description.isICELite)
        #expect(result.remoteTransport?.iceUfrag == "srvU" && result.remoteTransport?.iceLite == true)
    }

    @Test func invalidSectionsAreRefused() {
        #expect(throws: SDPError.self) {
            try offerer.offer(sections: [.dataChannel(mid: "a"), .dataChannel(mid: "a")], sessionID: 1, sessionVersion: 1)
        }
        #expect(throws: SDPError.self) {
            try offerer.offer(sections: [.init(mid: "v", kind: .video, codecs: [])], sessionID: 1, sessionVersion: 1)
        }
        #expect(throws: SDPError.self) {
            try offerer.offer(sections: [.dataChannel(mid: "bad mid")], sessionID: 1, sessionVersion: 1)
        }
    }
}
