import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import SFU
import Testing
@testable import Signaling

/// The `/rtc` JSON protocol end to end: a real WebSocket client against the server on
/// 127.0.0.1, with the fake media plane behind it.
@Suite(.timeLimit(.minutes(1))) struct WebSocketSignalingTests {
    @Test func joinReturnsRoomStateAndPingPongs() async throws {
        let harness = try await SignalingHarness()
        let token = try await harness.token(role: .host)
        harness.media.setTracks([RoomTrackInfo(trackID: "t1", participant: "p-x", kind: "video", muted: false)], in: "studio")
        try await harness.withLiveServer { port async throws in
            try await SignalingSocket.connect(port: port, query: "?token=\(token)") { socket async throws in
                try await socket.send(["type": "join", "id": "j1", "protocol": 1])
                let joined = try await socket.receive("joined")
                #expect(joined["id"] as? String == "j1")
                #expect(joined["protocol"] as? Int == 1)
                #expect(joined["room"] as? String == "studio")
                #expect(joined["user"] as? String == "alice")
                #expect(joined["role"] as? String == "host")
                #expect((joined["participant"] as? String)?.hasPrefix("p-") == true)
                #expect((joined["tracks"] as? [[String: Any]])?.first?["trackId"] as? String == "t1")
                #expect((joined["participants"] as? [Any])?.isEmpty == true)
                try await socket.send(["type": "ping", "id": 5])
                let pong = try await socket.receive("pong")
                #expect(pong["id"] as? Int == 5)
            }
        }
    }

    @Test func offerAnswerServerOfferAndEvents() async throws {
        let harness = try await SignalingHarness()
        let token = try await harness.token(role: .guest)
        let media = harness.media
        try await harness.withLiveServer { port async throws in
            try await SignalingSocket.connect(port: port, query: "?token=\(token)") { socket async throws in
                try await socket.send(["type": "join"])
                _ = try await socket.receive("joined")
                try await socket.send(["type": "offer", "id": "o1", "sdp": SDPSamples.whipOffer])
                let answer = try await socket.receive("answer")
                #expect(answer["id"] as? String == "o1")
                #expect(answer["sdp"] as? String == FakeMediaPlane.answer(for: PeerSessionID("s1")))
                let opened = try #require(media.openRequests.first)
                #expect(opened.intent == .interactive)
                #expect(opened.role == .guest)
                #expect(opened.offer == SDPSamples.whipOffer)

                // The media plane renegotiates: the client gets the offer and its answer is applied.
                media.emit(.offer("v=0\r\ns=server offer\r\n"), to: PeerSessionID("s1"))
                #expect(try await socket.receive("offer")["sdp"] as? String == "v=0\r\ns=server offer\r\n")
                try await socket.send(["type": "answer", "sdp": SDPSamples.answerToServerOffer])
                #expect(await media.waitUntil { $0.contains(.applyAnswer(SDPSamples.answerToServerOffer, PeerSessionID("s1"))) })

                media.emit(.connected, to: PeerSessionID("s1"))
                _ = try await socket.receive("connected")
                media.emit(.trackPublished(RoomTrackInfo(trackID: "tv", participant: "p-h", kind: "video", muted: false)), to: PeerSessionID("s1"))
                let published = try await socket.receive("track_published")
                #expect((published["track"] as? [String: Any])?["trackId"] as? String == "tv")
                media.emit(.trackUnpublished(trackID: "tv"), to: PeerSessionID("s1"))
                #expect(try await socket.receive("track_unpublished")["trackId"] as? String == "tv")

                // A later client offer renegotiates the same session.
                try await socket.send(["type": "offer", "id": 2, "sdp": SDPSamples.whipOffer])
                let second = try await socket.receive("answer")
                #expect(second["id"] as? Int == 2)
                #expect(second["sdp"] as? String == FakeMediaPlane.renegotiated(PeerSessionID("s1")))
                #expect(media.openRequests.count == 1)

                // Trickled candidates reach the session without their prefix; an empty one is the end.
                try await socket.send(["type": "candidate", "candidate": "candidate:1 1 udp 2122260223 192.0.2.1 61764 typ host", "mid": "0"])
                try await socket.send(["type": "candidate", "candidate": ""])
                try await socket.send(["type": "ping", "id": "after-candidates"])
                #expect(try await socket.receive()?["type"] as? String == "pong")
                #expect(media.calls.contains(.addCandidate("1 1 udp 2122260223 192.0.2.1 61764 typ host", mid: "0", PeerSessionID("s1"))))
                #expect(media.calls.filter { if case .addCandidate = $0 { true } else { false } }.count == 1)

                media.emit(.closed(reason: "consent expired"), to: PeerSessionID("s1"))
                #expect(try await socket.receive("closed")["reason"] as? String == "consent expired")
            }
        }
    }

    @Test func closingTheSocketClosesThePeerSession() async throws {
        let harness = try await SignalingHarness()
        let token = try await harness.token()
        try await harness.withLiveServer { port async throws in
            try await SignalingSocket.connect(port: port, query: "?token=\(token)") { socket async throws in
                try await socket.send(["type": "join"])
                _ = try await socket.receive("joined")
                try await socket.send(["type": "offer", "sdp": SDPSamples.whipOffer])
                _ = try await socket.receive("answer")
                #expect(await harness.service.hub.participants(in: "studio").count == 1)
            }
            #expect(await harness.media.waitUntil { $0.contains(.close(PeerSessionID("s1"))) })
            #expect(await harness.service.hub.participants(in: "studio").isEmpty)
        }
    }

    @Test func malformedAndUnknownMessagesGetErrorsAndTheSocketStaysOpen() async throws {
        let harness = try await SignalingHarness()
        let token = try await harness.token()
        try await harness.withLiveServer { port async throws in
            try await SignalingSocket.connect(port: port, query: "?token=\(token)") { socket async throws in
                try await socket.send(text: "{not json")
                let malformed = try await socket.receive("error")
                #expect(malformed["code"] as? String == "bad_request")
                try await socket.send(["type": "teleport", "id": "t9"])
                let unknown = try await socket.receive("error")
                #expect(unknown["code"] as? String == "unknown_type")
                #expect(unknown["requestId"] as? String == "t9")
                try await socket.send(["type": "offer", "id": 3, "sdp": SDPSamples.whipOffer])
                let early = try await socket.receive("error")
                #expect(early["code"] as? String == "not_joined")
                #expect(early["requestId"] as? Int == 3)
                try await socket.outbound.write(.binary(ByteBuffer(bytes: [1, 2, 3])))
                #expect(try await socket.receive("error")["code"] as? String == "bad_request")
                try await socket.send(["type": "join", "protocol": 99])
                #expect(try await socket.receive("error")["code"] as? String == "unsupported_protocol")
                try await socket.send(["type": "join", "id": "j"])
                _ = try await socket.receive("joined")
                try await socket.send(["type": "join", "id": "again"])
                #expect(try await socket.receive("error")["code"] as? String == "already_joined")
                try await socket.send(["type": "answer", "sdp": SDPSamples.answerToServerOffer])
                #expect(try await socket.receive("error")["code"] as? String == "no_session")
                try await socket.send(["type": "offer", "sdp": "not sdp"])
                #expect(try await socket.receive("error")["code"] as? String == "bad_offer")
                try await socket.send(["type": "offer", "sdp": SDPSamples.whipOffer])
                _ = try await socket.receive("answer")
                try await socket.send(["type": "candidate", "candidate": "candidate:garbage"])
                #expect(try await socket.receive("error")["code"] as? String == "bad_candidate")
                try await socket.send(["type": "ping", "id": "still-here"])
                #expect(try await socket.receive("pong")["id"] as? String == "still-here")
            }
        }
        #expect(harness.media.openRequests.count == 1)
    }

    @Test func viewerOfferingToSendMediaIsForbidden() async throws {
        let harness = try await SignalingHarness()
        let token = try await harness.token(user: "vic", role: .viewer)
        try await harness.withLiveServer { port async throws in
            try await SignalingSocket.connect(port: port, query: "?token=\(token)") { socket async throws in
                try await socket.send(["type": "join"])
                #expect(try await socket.receive("joined")["role"] as? String == "viewer")
                try await socket.send(["type": "offer", "id": "pub", "sdp": SDPSamples.whipOffer])
                let refused = try await socket.receive("error")
                #expect(refused["code"] as? String == "forbidden")
                #expect(refused["requestId"] as? String == "pub")
                #expect(harness.media.openRequests.isEmpty)
                // Watching is what a viewer may do.
                try await socket.send(["type": "offer", "id": "watch", "sdp": SDPSamples.whepOffer])
                #expect(try await socket.receive("answer")["id"] as? String == "watch")
                #expect(harness.media.openRequests.map(\.role) == [.viewer])
                // Nor may its answer to a server offer send media.
                try await socket.send(["type": "answer", "id": "a", "sdp": SDPSamples.whipOffer])
                #expect(try await socket.receive("error")["code"] as? String == "forbidden")
                #expect(!harness.media.calls.contains { if case .applyAnswer = $0 { true } else { false } })
            }
        }
    }

    @Test func separateHTTPAndWebSocketRoutersServeTheirRoutes() async throws {
        let harness = try await SignalingHarness()
        let token = try await harness.token()
        try await harness.withLiveServer(separateRouters: true) { port async throws in
            try await SignalingSocket.connect(port: port, query: "?token=\(token)") { socket async throws in
                try await socket.send(["type": "join", "id": 1])
                #expect(try await socket.receive("joined")["id"] as? Int == 1)
            }
        }
        try await harness.application(separateRouters: true).test(.router) { client async throws in
            let response = try await client.execute(uri: "/whip/studio", method: .post,
                                                    headers: [.authorization: "Bearer \(token)", .contentType: "application/sdp"],
                                                    body: ByteBuffer(string: SDPSamples.whipOffer)) { $0 }
            #expect(response.status == .created)
            #expect(try await client.execute(uri: "/", method: .get) { $0.status } == .ok)
        }
    }

    @Test func tokenMayComeInTheJoinMessage() async throws {
        let harness = try await SignalingHarness()
        let token = try await harness.token(user: "bob", role: .viewer)
        try await harness.withLiveServer { port async throws in
            try await SignalingSocket.connect(port: port) { socket async throws in
                try await socket.send(["type": "join", "room": "studio", "token": token])
                #expect(try await socket.receive("joined")["user"] as? String == "bob")
            }
        }
    }

    @Test func badTokensEndTheSocketWith1008() async throws {
        let harness = try await SignalingHarness()
        let valid = try await harness.token()
        let expired = try await harness.token(lifetime: .seconds(1), issuedAt: SignalingHarness.now.addingTimeInterval(-10))
        let cases: [(query: String, join: String, code: String)] = [
            ("", #"{"type":"join"}"#, "unauthorized"),
            ("?token=garbage", #"{"type":"join"}"#, "unauthorized"),
            ("?token=\(expired)", #"{"type":"join"}"#, "unauthorized"),
            ("", #"{"type":"join","token":"\#(expired)"}"#, "unauthorized"),
            ("?token=\(valid)", #"{"type":"join","room":"elsewhere"}"#, "forbidden"),
        ]
        try await harness.withLiveServer { port async throws in
            for (query, join, code) in cases {
                let close = try await SignalingSocket.connect(port: port, query: query) { socket async throws in
                    try await socket.send(text: join)
                    let error = try await socket.receive("error")
                    #expect(error["code"] as? String == code, "\(query) \(join)")
                    #expect(try await socket.receive() == nil)
                }
                #expect(close?.closeCode == .policyViolation, "\(query) \(join)")
            }
        }
        #expect(harness.media.calls.isEmpty)
    }

    @Test func socketsThatNeverJoinAreClosed() async throws {
        let harness = try await SignalingHarness(configuration: .init(joinTimeout: .milliseconds(200), now: { SignalingHarness.now }))
        try await harness.withLiveServer { port async throws in
            let close = try await SignalingSocket.connect(port: port) { socket async throws in
                #expect(try await socket.receive("error")["code"] as? String == "unauthorized")
            }
            #expect(close?.closeCode == .policyViolation)
        }
    }

    @Test func oversizedMessagesCloseWith1009() async throws {
        let harness = try await SignalingHarness()
        let token = try await harness.token()
        let big = #"{"type":"offer","sdp":""# + String(repeating: "a", count: 70 * 1024) + #""}"#
        try await harness.withLiveServer { port async throws in
            // One frame larger than the server's frame limit.
            let single = try await SignalingSocket.connect(port: port, query: "?token=\(token)") { socket async throws in
                try await socket.send(text: big)
                while try await socket.receive() != nil {}
            }
            #expect(single?.closeCode == .messageTooLarge)
            // The same message in 16 KiB fragments: the message limit catches it.
            let fragmented = try await SignalingSocket.connect(port: port, query: "?token=\(token)", maxFrameSize: 1 << 14) { socket async throws in
                try await socket.outbound.writeTextMessage(big)
                while try await socket.receive() != nil {}
            }
            #expect(fragmented?.closeCode == .messageTooLarge)
        }
    }

    @Test func participantsSeeEachOtherComeAndGo() async throws {
        let harness = try await SignalingHarness()
        let alice = try await harness.token(user: "alice", role: .host)
        let bob = try await harness.token(user: "bob", role: .viewer, name: "Bob B.")
        let media = harness.media
        try await harness.withLiveServer { port async throws in
            try await SignalingSocket.connect(port: port, query: "?token=\(alice)") { first async throws in
                try await first.send(["type": "join"])
                let aliceID = try await first.receive("joined")["participant"] as? String
                let bobClose = try await SignalingSocket.connect(port: port, query: "?token=\(bob)") { second async throws in
                    try await second.send(["type": "join"])
                    let joined = try await second.receive("joined")
                    let others = try #require(joined["participants"] as? [[String: Any]])
                    #expect(others.count == 1)
                    #expect(others.first?["participant"] as? String == aliceID)
                    #expect(others.first?["user"] as? String == "alice")
                    let arrival = try await first.receive("participant_joined")["participant"] as? [String: Any]
                    #expect(arrival?["user"] as? String == "bob")
                    #expect(arrival?["role"] as? String == "viewer")
                    #expect(arrival?["name"] as? String == "Bob B.")
                    #expect(arrival?["participant"] as? String == joined["participant"] as? String)

                    try await second.send(["type": "offer", "sdp": SDPSamples.whepOffer])
                    _ = try await second.receive("answer")
                    try await second.send(["type": "leave", "id": "bye"])
                    let closed = try await second.receive("closed")
                    #expect(closed["reason"] as? String == "left")
                    #expect(closed["id"] as? String == "bye")
                    #expect(try await second.receive() == nil)
                }
                #expect(bobClose?.closeCode == .normalClosure)
                #expect(media.closed == [PeerSessionID("s1")])
                let departure = try await first.receive("participant_left")["participant"] as? [String: Any]
                #expect(departure?["user"] as? String == "bob")
            }
        }
    }
}
