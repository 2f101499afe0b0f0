import Foundation
import SFU
import Testing
import TestSupport
@testable import Signaling

@Suite struct ClientMessageTests {
    private func decode(_ text: String) throws(ClientMessageError) -> ClientRequest { try ClientRequest(decoding: text) }

    @Test func decodesEveryClientMessage() throws {
        #expect(try decode(#"{"type":"join","id":"j1","room":"studio","token":"t.o.k","protocol":1}"#)
                == ClientRequest(id: .string("j1"), message: .join(room: "studio", token: "t.o.k", protocolVersion: 1)))
        #expect(try decode(#"{"type":"join"}"#) == ClientRequest(id: nil, message: .join(room: nil, token: nil, protocolVersion: nil)))
        #expect(try decode(#"{"type":"offer","id":7,"sdp":"v=0\r\n"}"#) == ClientRequest(id: .number(7), message: .offer(sdp: "v=0\r\n")))
        #expect(try decode(#"{"type":"answer","sdp":"x"}"#).message == .answer(sdp: "x"))
        #expect(try decode(#"{"type":"candidate","candidate":"candidate:1 1 udp 1 1.2.3.4 5 typ host","mid":"0"}"#).message
                == .candidate(candidate: "candidate:1 1 udp 1 1.2.3.4 5 typ host", mid: "0"))
        #expect(try decode(#"{"type":"candidate","candidate":""}"#).message == .candidate(candidate: "", mid: nil))
        #expect(try decode(#"{"type":"leave"}"#).message == .leave)
        #expect(try decode(#"{"type":"set_video","trackId":"t3","maxHeight":360}"#).message
                == .setVideo(trackID: "t3", maxHeight: 360, layer: nil))
        #expect(try decode(#"{"type":"set_video","trackId":"t3","layer":0}"#).message
                == .setVideo(trackID: "t3", maxHeight: nil, layer: 0))
        #expect(try decode(#"{"type":"ping","id":-3,"future":"field"}"#) == ClientRequest(id: .number(-3), message: .ping))
    }

    @Test func typedErrorsKeepTheRequestIDWhenReadable() {
        let cases: [(String, ClientMessageError)] = [
            ("not json", .init(.malformedJSON)),
            ("", .init(.malformedJSON)),
            (#"{"type":"ping""#, .init(.malformedJSON)),
            ("[1,2]", .init(.notAnObject)),
            ("42", .init(.notAnObject)),
            (#"{"id":"a"}"#, .init(.missingField("type"), id: .string("a"))),
            (#"{"type":"dance","id":"x9"}"#, .init(.unknownType("dance"), id: .string("x9"))),
            (#"{"type":"offer","id":1}"#, .init(.missingField("sdp"), id: .number(1))),
            (#"{"type":"offer","id":1,"sdp":5}"#, .init(.invalidField("sdp"), id: .number(1))),
            (#"{"type":7}"#, .init(.invalidField("type"))),
            (#"{"type":"ping","id":1.5}"#, .init(.invalidField("id"))),
            (#"{"type":"ping","id":{"a":1}}"#, .init(.invalidField("id"))),
            (#"{"type":"join","room":"a/b"}"#, .init(.invalidField("room"))),
            (#"{"type":"candidate","mid":"0"}"#, .init(.missingField("candidate"))),
            (#"{"type":"set_video","layer":1}"#, .init(.missingField("trackId"))),
            (#"{"type":"set_video","trackId":"t","layer":3}"#, .init(.invalidField("layer"))),
            (#"{"type":"set_video","trackId":"t","maxHeight":0}"#, .init(.invalidField("maxHeight"))),
            (#"{"type":"candidate","candidate":"\#(String(repeating: "c", count: 1025))"}"#, .init(.invalidField("candidate"))),
            (#"{"type":"ping","id":"\#(String(repeating: "i", count: 129))"}"#, .init(.invalidField("id"))),
        ]
        for (text, expected) in cases {
            #expect(throws: expected, "\(text.prefix(40))") { try decode(text) }
        }
        #expect(ClientMessageError(.unknownType("x")).code == .unknownType)
        #expect(ClientMessageError(.malformedJSON).code == .badRequest)
    }

    @Test func oversizedMessagesAreRefusedBeforeParsing() {
        let big = #"{"type":"offer","sdp":""# + String(repeating: "a", count: 70_000) + #""}"#
        #expect(throws: ClientMessageError(.tooLarge(big.utf8.count))) { try decode(big) }
        #expect(throws: ClientMessageError(.tooLarge(21))) { try ClientRequest(decoding: #"{"type":"ping","x":1}"#, maxBytes: 20) }
        #expect(throws: ClientMessageError(.malformedJSON)) { try ClientRequest(decoding: Data([0x7B, 0x22, 0xFF, 0x22, 0x7D])) }
    }

    /// Seeded mutations of real messages: each ends in a typed error or a request that survives
    /// re-encoding unchanged. 100k cases, both outcomes required.
    @Test(.timeLimit(.minutes(2))) func hostileMessagesNeverTrap() throws {
        let seeds = [
            #"{"type":"join","id":"j1","room":"studio","token":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln","protocol":1}"#,
            #"{"type":"offer","id":2,"sdp":"\#(Self.jsonEscaped(SDPSamples.whipOffer))"}"#,
            #"{"type":"answer","sdp":"v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"}"#,
            #"{"type":"candidate","id":"c","candidate":"candidate:4237152445 1 udp 2122260223 127.0.0.1 56827 typ host","mid":"0"}"#,
            #"{"type":"leave"}"#, #"{"type":"ping","id":99}"#,
        ].map { Array($0.utf8) }
        var valid = 0
        var invalid = 0
        for hostile in HostileInput(seeds: seeds, count: 100_000, seed: 0x51C4A1) {
            do {
                let request = try ClientRequest(decoding: Data(hostile.bytes))
                valid += 1
                let again = try ClientRequest(decoding: Self.encode(request))
                #expect(again == request, "case \(hostile.index) \(hostile.kind)")
            } catch {
                invalid += 1
            }
        }
        #expect(valid > 1000)
        #expect(invalid > 1000)
    }

    /// A client-side encoder, to check that decoded requests mean what they say.
    static func encode(_ request: ClientRequest) throws -> String {
        var object: [String: Any] = ["type": request.message.type]
        switch request.id {
        case .string(let text): object["id"] = text
        case .number(let number): object["id"] = number
        case nil: break
        }
        switch request.message {
        case .join(let room, let token, let version):
            object["room"] = room
            object["token"] = token
            object["protocol"] = version
        case .offer(let sdp), .answer(let sdp):
            object["sdp"] = sdp
        case .candidate(let candidate, let mid):
            object["candidate"] = candidate
            object["mid"] = mid
        case .setVideo(let track, let maxHeight, let layer):
            object["trackId"] = track
            object["maxHeight"] = maxHeight
            object["layer"] = layer
        case .leave, .ping:
            break
        }
        return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    static func jsonEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
    }
}

@Suite struct ServerMessageTests {
    private func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func joinedCarriesRoomStateAndProtocolVersion() throws {
        let track = RoomTrackInfo(trackID: "t1", participant: "p-a", kind: "video", muted: false)
        let other = ParticipantInfo(participant: "p-b", user: "bob", role: .viewer)
        let json = try object(ServerMessage.joined(.init(room: "studio", participant: "p-a", user: "alice", role: .host,
                                                          tracks: [track], participants: [other])).encoded(replyingTo: .string("j")))
        #expect(json["type"] as? String == "joined")
        #expect(json["id"] as? String == "j")
        #expect(json["protocol"] as? Int == SignalingProtocol.version)
        #expect(json["room"] as? String == "studio")
        #expect(json["participant"] as? String == "p-a")
        #expect(json["role"] as? String == "host")
        let tracks = try #require(json["tracks"] as? [[String: Any]])
        #expect(tracks.first?["trackId"] as? String == "t1")
        #expect(tracks.first?["kind"] as? String == "video")
        let participants = try #require(json["participants"] as? [[String: Any]])
        #expect(participants.first?["user"] as? String == "bob")
        #expect(participants.first?["role"] as? String == "viewer")
    }

    @Test func errorCarriesCodeMessageAndRequestID() throws {
        let json = try object(ServerMessage.error(code: .notJoined, message: "join first").encoded(replyingTo: .number(4)))
        #expect(json["type"] as? String == "error")
        #expect(json["code"] as? String == "not_joined")
        #expect(json["message"] as? String == "join first")
        #expect(json["requestId"] as? Int == 4)
        #expect(json["id"] as? Int == 4)
        let bare = try object(ServerMessage.error(code: .badRequest, message: "m").encoded())
        #expect(bare["requestId"] == nil)
    }

    @Test func eventMessagesHaveTheirTypes() throws {
        let info = ParticipantInfo(participant: "p", user: "u", role: .guest)
        let expected: [(ServerMessage, String)] = [
            (.answer(sdp: "a"), "answer"), (.offer(sdp: "o"), "offer"), (.connected, "connected"), (.pong, "pong"),
            (.trackPublished(.init(trackID: "t", participant: "p", kind: "audio", muted: true)), "track_published"),
            (.trackUnpublished(trackID: "t"), "track_unpublished"), (.participantJoined(info), "participant_joined"),
            (.participantLeft(info), "participant_left"), (.closed(reason: "bye"), "closed"),
            (.activeSpeakers([.init(participant: "p1", user: "a")]), "active_speakers"), (.videoPaused(trackID: "t"), "video_paused"),
            (.videoResumed(trackID: "t"), "video_resumed"),
            (.videoLayer(.init(trackID: "t", spatial: 1, temporal: 2, width: 640, height: 360)), "video_layer"),
        ]
        for (message, type) in expected {
            #expect(try object(message.encoded())["type"] as? String == type)
        }
        #expect(try object(ServerMessage.offer(sdp: "v=0\r\n").encoded())["sdp"] as? String == "v=0\r\n")
        #expect(try object(ServerMessage.trackUnpublished(trackID: "t9").encoded())["trackId"] as? String == "t9")
        #expect((try object(ServerMessage.participantLeft(info).encoded())["participant"] as? [String: Any])?["user"] as? String == "u")
        let speakers = try object(ServerMessage.activeSpeakers([.init(participant: "p1", user: "a"),
                                                                .init(participant: "p2", user: "b")]).encoded())["speakers"]
        #expect((speakers as? [[String: String]])?.map { $0["user"] } == ["a", "b"])
        #expect((speakers as? [[String: String]])?.map { $0["participant"] } == ["p1", "p2"])
        let layer = try object(ServerMessage.videoLayer(.init(trackID: "t", spatial: 1, temporal: 2, width: 640, height: 360,
                                                             availableBitrate: 900_000)).encoded())
        #expect(layer["trackId"] as? String == "t" && layer["spatial"] as? Int == 1 && layer["temporal"] as? Int == 2)
        #expect(layer["width"] as? Int == 640 && layer["height"] as? Int == 360 && layer["availableBitrate"] as? Int == 900_000)
    }
}
