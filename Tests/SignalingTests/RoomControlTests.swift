import Foundation
import Hummingbird
import HummingbirdTesting
import SFU
import Testing
@testable import Signaling

/// The host's moderation and the end of a session, as WebSocket clients see them: events with
/// live counts, media closed by the media plane, and tokens that open nothing afterwards.
@Suite(.timeLimit(.minutes(1))) struct RoomControlTests {
    @Test func viewersSeeLiveCountsAndTheEndOfTheSessionWithItsReport() async throws {
        let harness = try await SignalingHarness()
        let hostToken = try await harness.token(user: "hana", role: .host)
        let viewerToken = try await harness.token(user: "vic", role: .viewer)
        let service = harness.service
        let media = harness.media
        try await harness.withLiveServer { port async throws in
            try await SignalingSocket.connect(port: port, query: "?token=\(hostToken)") { host async throws in
                try await host.send(["type": "join"])
                _ = try await host.receive("joined")
                let close = try await SignalingSocket.connect(port: port, query: "?token=\(viewerToken)") { viewer async throws in
                    try await viewer.send(["type": "join"])
                    _ = try await viewer.receive("joined")
                    let joined = try await host.receive("viewer_joined")
                    #expect(joined["user"] as? String == "vic")
                    #expect(joined["viewerCount"] as? Int == 1)

                    let report = SessionEndReport(durationSeconds: 12, peakViewers: 1, uniqueViewers: 1, totalWatchSeconds: 5,
                                                  averageWatchSeconds: 5, guests: 0, messages: 0, gifts: 0)
                    await service.endRoom("studio", report: report)
                    let ended = try await viewer.receive("session_ended")
                    #expect(ended["reason"] as? String == "host_ended")
                    #expect((ended["report"] as? [String: Any])?["peakViewers"] as? Int == 1)
                    #expect(try await viewer.receive("closed")["reason"] as? String == "session_ended")
                    #expect(try await viewer.receive() == nil, "the server closes the socket")
                }
                #expect(close?.closeCode == .normalClosure)
                #expect(await media.waitUntil { $0.contains(.closeSessions(room: "studio", participants: nil, reason: "session ended")) })
            }
            // The session's tokens open nothing any more.
            try await SignalingSocket.connect(port: port, query: "?token=\(viewerToken)") { late async throws in
                try await late.send(["type": "join"])
                let error = try await late.receive("error")
                #expect(error["code"] as? String == "forbidden")
                #expect(error["message"] as? String == AdmissionRefusal.sessionEnded.message)
            }
        }
    }

    @Test func aKickedViewerIsDisconnectedAndRefusedOnReturn() async throws {
        let harness = try await SignalingHarness()
        let viewerToken = try await harness.token(user: "kim", role: .viewer)
        let service = harness.service
        let media = harness.media
        try await harness.withLiveServer { port async throws in
            let close = try await SignalingSocket.connect(port: port, query: "?token=\(viewerToken)") { viewer async throws in
                try await viewer.send(["type": "join"])
                let joined = try await viewer.receive("joined")
                let participant = try #require(joined["participant"] as? String)
                try await viewer.send(["type": "offer", "sdp": SDPSamples.whepOffer])
                _ = try await viewer.receive("answer")
                await service.kick(user: "kim", from: "studio")
                #expect(try await viewer.receive("closed")["reason"] as? String == "kicked")
                #expect(await media.waitUntil { $0.contains(.closeSessions(room: "studio", participants: [participant], reason: "kicked")) })
            }
            #expect(close?.closeCode == .policyViolation)
            try await SignalingSocket.connect(port: port, query: "?token=\(viewerToken)") { again async throws in
                try await again.send(["type": "join"])
                #expect(try await again.receive("error")["message"] as? String == AdmissionRefusal.kicked.message)
            }
        }
    }

    @Test func muteReachesTheMediaPlaneAndEveryMemberHearsIt() async throws {
        let harness = try await SignalingHarness()
        let guestToken = try await harness.token(user: "gia", role: .guest)
        let service = harness.service
        let media = harness.media
        try await harness.withLiveServer { port async throws in
            try await SignalingSocket.connect(port: port, query: "?token=\(guestToken)") { guest async throws in
                try await guest.send(["type": "join"])
                let participant = try #require(try await guest.receive("joined")["participant"] as? String)
                media.setTracks([RoomTrackInfo(trackID: "ga", participant: participant, kind: "audio", muted: false),
                                 RoomTrackInfo(trackID: "gv", participant: participant, kind: "video", muted: false)], in: "studio")
                #expect(await service.setMuted(true, kind: "video", user: "gia", in: "studio") == 1)
                let muted = try await guest.receive("track_muted")
                #expect(muted["user"] as? String == "gia")
                #expect(muted["kind"] as? String == "video")
                #expect(muted["muted"] as? Bool == true)
                #expect(media.calls.contains(.setMuted(true, kind: "video", participants: [participant], room: "studio")))
                #expect(await media.tracks(in: "studio").map(\.muted) == [false, true])
            }
        }
    }

    @Test func aRemovedGuestBecomesAViewerWhoseOffersToSendAreRefused() async throws {
        let harness = try await SignalingHarness()
        let guestToken = try await harness.token(user: "gia", role: .guest)
        let service = harness.service
        let media = harness.media
        try await harness.withLiveServer { port async throws in
            try await SignalingSocket.connect(port: port, query: "?token=\(guestToken)") { guest async throws in
                try await guest.send(["type": "join"])
                let participant = try #require(try await guest.receive("joined")["participant"] as? String)
                try await guest.send(["type": "offer", "sdp": SDPSamples.whipOffer])
                _ = try await guest.receive("answer")
                await service.demoteToViewer(user: "gia", in: "studio")
                #expect(try await guest.receive("role_changed")["role"] as? String == "viewer")
                #expect(try await guest.receive("closed")["reason"] as? String == "no longer a guest")
                #expect(media.calls.contains(.closeSessions(room: "studio", participants: [participant], reason: "no longer a guest")))
                try await guest.send(["type": "offer", "id": "again", "sdp": SDPSamples.whipOffer])
                let refused = try await guest.receive("error")
                #expect(refused["code"] as? String == "forbidden")
            }
        }
    }

    @Test func whipFromAKickedUserIsForbidden() async throws {
        let harness = try await SignalingHarness()
        let token = try await harness.token(user: "kim", role: .guest)
        await harness.service.kick(user: "kim", from: "studio")
        try await harness.application().test(.router) { client async throws in
            var headers = HTTPFields()
            headers[.contentType] = "application/sdp"
            headers[.authorization] = "Bearer \(token)"
            let status = try await client.execute(uri: "/whip/studio", method: .post, headers: headers,
                                                  body: ByteBuffer(string: SDPSamples.whipOffer)) { $0.status }
            #expect(status == .forbidden)
        }
        #expect(harness.media.openRequests.isEmpty)
    }
}
