import Foundation
import Hummingbird
import HummingbirdTesting
import SFU
import Testing
@testable import Signaling

/// WHIP (RFC 9725) and WHEP over the router, with the fake media plane.
@Suite struct WISHTests {
    static var locationPattern: Regex<(Substring, Substring)> { #/^/(whip|whep)/studio/[0-9a-f]{32}$/# }

    private func headers(token: String?, type: String? = "application/sdp", extra: HTTPFields = [:]) -> HTTPFields {
        var fields = HTTPFields()
        if let token { fields[.authorization] = "Bearer \(token)" }
        if let type { fields[.contentType] = type }
        fields.append(contentsOf: extra)
        return fields
    }

    /// POSTs an offer and returns the response.
    private func post(_ client: some TestClientProtocol, _ path: String = "/whip/studio", token: String?,
                      body: String = SDPSamples.whipOffer, type: String? = "application/sdp") async throws -> TestResponse {
        try await client.execute(uri: path, method: .post, headers: headers(token: token, type: type),
                                 body: ByteBuffer(string: body)) { $0 }
    }

    @Test func whipCreatesASessionResource() async throws {
        let harness = try await SignalingHarness()
        let token = try await harness.token(role: .host)
        try await harness.application().test(.router) { client async throws in
            let response = try await post(client, token: token)
            #expect(response.status == .created)
            let location = try #require(response.headers[.location])
            #expect(location.wholeMatch(of: Self.locationPattern) != nil, "\(location)")
            #expect(location.hasPrefix("/whip/"))
            #expect(response.headers[.contentType] == "application/sdp")
            #expect(response.headers[.eTag]?.hasPrefix("\"") == true)
            #expect(response.headers[.accessControlAllowOrigin] == "*")
            #expect(response.headers[.accessControlExposeHeaders]?.contains("Location") == true)
            #expect(String(buffer: response.body) == FakeMediaPlane.answer(for: PeerSessionID("s1")))
            let request = try #require(harness.media.openRequests.first)
            #expect(request.room == "studio")
            #expect(request.role == .host)
            #expect(request.intent == .publish)
            #expect(request.offer == SDPSamples.whipOffer)
            #expect(request.participant.hasPrefix("p-"))
        }
    }

    @Test func whepCreatesAWatchSessionForAnyRole() async throws {
        let harness = try await SignalingHarness()
        var tokens: [String] = []
        for (index, role) in RoomRole.allCases.enumerated() {
            tokens.append(try await harness.token(user: "u\(index)", role: role))
        }
        try await harness.application().test(.router) { [tokens] client async throws in
            for token in tokens {
                let response = try await post(client, "/whep/studio", token: token, body: SDPSamples.whepOffer)
                #expect(response.status == .created)
                #expect(response.headers[.location]?.hasPrefix("/whep/studio/") == true)
            }
        }
        #expect(harness.media.openRequests.map(\.intent) == [.watch, .watch, .watch])
        #expect(harness.media.openRequests.map(\.role) == [.host, .guest, .viewer])
    }

    @Test func whepTakesTheViewersVideoSizeFromTheQuery() async throws {
        let harness = try await SignalingHarness()
        let token = try await harness.token(role: .viewer)
        try await harness.application().test(.router) { client async throws in
            let ok = try await post(client, "/whep/studio?maxHeight=360&layer=1", token: token, body: SDPSamples.whepOffer)
            #expect(ok.status == .created)
            for bad in ["/whep/studio?layer=3", "/whep/studio?maxHeight=0", "/whep/studio?maxHeight=99999"] {
                #expect(try await post(client, bad, token: token, body: SDPSamples.whepOffer).status == .badRequest, "\(bad)")
            }
            #expect(try await post(client, "/whep/studio", token: token, body: SDPSamples.whepOffer).status == .created)
        }
        #expect(harness.media.openRequests.map(\.videoPreference) == [VideoPreference(maxHeight: 360, layer: 1), nil])
    }

    @Test func deleteEndsTheSessionOnceThen404() async throws {
        let harness = try await SignalingHarness()
        let token = try await harness.token(role: .guest)
        try await harness.application().test(.router) { client async throws in
            let location = try #require(try await post(client, token: token).headers[.location])
            let first = try await client.execute(uri: location, method: .delete, headers: headers(token: token, type: nil)) { $0 }
            #expect(first.status == .ok)
            #expect(first.headers[.accessControlAllowOrigin] == "*")
            #expect(harness.media.closed == [PeerSessionID("s1")])
            let second = try await client.execute(uri: location, method: .delete, headers: headers(token: token, type: nil)) { $0 }
            #expect(second.status == .notFound)
            #expect(harness.media.closed.count == 1)
        }
    }

    @Test func deleteNeedsTheOwnerOrTheHostOfTheSameRoom() async throws {
        let harness = try await SignalingHarness()
        let owner = try await harness.token(user: "gina", role: .guest)
        let otherGuest = try await harness.token(user: "gus", role: .guest)
        let otherRoom = try await harness.token(room: "elsewhere", user: "gina", role: .host)
        let host = try await harness.token(user: "hank", role: .host)
        try await harness.application().test(.router) { client async throws in
            let location = try #require(try await post(client, token: owner).headers[.location])
            for token in [otherGuest, otherRoom] {
                let refused = try await client.execute(uri: location, method: .delete, headers: headers(token: token, type: nil)) { $0 }
                #expect(refused.status == .forbidden)
            }
            let missing = try await client.execute(uri: location, method: .delete, headers: headers(token: nil, type: nil)) { $0 }
            #expect(missing.status == .unauthorized)
            #expect(harness.media.closed.isEmpty)
            let byHost = try await client.execute(uri: location, method: .delete, headers: headers(token: host, type: nil)) { $0 }
            #expect(byHost.status == .ok)
            #expect(harness.media.closed.count == 1)
        }
    }

    @Test func unknownResourceIs404ForDeleteAndPatch() async throws {
        let harness = try await SignalingHarness()
        let token = try await harness.token()
        try await harness.application().test(.router) { client async throws in
            let path = "/whip/studio/" + String(repeating: "0", count: 32)
            #expect(try await client.execute(uri: path, method: .delete, headers: headers(token: token, type: nil)) { $0.status } == .notFound)
            #expect(try await client.execute(uri: path, method: .patch, headers: headers(token: token, type: "application/trickle-ice-sdpfrag"),
                                             body: ByteBuffer(string: "a=end-of-candidates\r\n")) { $0.status } == .notFound)
            // A WHIP resource is not a WHEP resource.
            let location = try #require(try await post(client, token: token).headers[.location])
            let asWHEP = location.replacingOccurrences(of: "/whip/", with: "/whep/")
            #expect(try await client.execute(uri: asWHEP, method: .delete, headers: headers(token: token, type: nil)) { $0.status } == .notFound)
        }
    }

    @Test func tokenProblemsAre401WithABearerChallenge() async throws {
        let harness = try await SignalingHarness()
        let expired = try await harness.token(lifetime: .seconds(60), issuedAt: SignalingHarness.now.addingTimeInterval(-61))
        let forged = try await RoomTokenSigner(key: SignalingHarness.otherKey)
            .sign(user: "eve", room: "studio", role: .host, lifetime: .seconds(600), now: SignalingHarness.now)
        try await harness.application().test(.router) { client async throws in
            let missing = try await post(client, token: nil)
            #expect(missing.status == .unauthorized)
            #expect(missing.headers[.wwwAuthenticate] == #"Bearer realm="chobi""#)
            for token in [expired, forged, "not-a-jwt"] {
                let response = try await post(client, token: token)
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate]?.hasPrefix(#"Bearer realm="chobi", error="invalid_token""#) == true)
                #expect(response.headers[.accessControlAllowOrigin] == "*")
            }
            let basic = try await client.execute(uri: "/whip/studio", method: .post,
                                                 headers: [.authorization: "Basic dTpw", .contentType: "application/sdp"],
                                                 body: ByteBuffer(string: SDPSamples.whipOffer)) { $0 }
            #expect(basic.status == .unauthorized)
        }
        #expect(harness.media.calls.isEmpty)
    }

    @Test func viewerOnWHIPAndWrongRoomAre403() async throws {
        let harness = try await SignalingHarness()
        let viewer = try await harness.token(role: .viewer)
        let elsewhere = try await harness.token(room: "elsewhere", role: .host)
        try await harness.application().test(.router) { client async throws in
            #expect(try await post(client, token: viewer).status == .forbidden)
            #expect(try await post(client, token: elsewhere).status == .forbidden)
            #expect(try await post(client, "/whep/studio", token: elsewhere, body: SDPSamples.whepOffer).status == .forbidden)
            // A viewer's WHEP offer that sends media is refused before the media plane sees it.
            #expect(try await post(client, "/whep/studio", token: viewer, body: SDPSamples.whipOffer).status == .forbidden)
        }
        #expect(harness.media.calls.isEmpty)
    }

    @Test func badSDPIs400() async throws {
        let harness = try await SignalingHarness()
        let token = try await harness.token()
        try await harness.application().test(.router) { client async throws in
            #expect(try await post(client, token: token, body: "hello").status == .badRequest)
            #expect(try await post(client, token: token, body: "").status == .badRequest)
            #expect(harness.media.calls.isEmpty)
            harness.media.failOpen(with: .badOffer("no codec in common"))
            let refused = try await post(client, token: token)
            #expect(refused.status == .badRequest)
            #expect(String(buffer: refused.body).contains("no codec in common"))
        }
    }

    @Test func mediaPlaneRefusalsMapToStatuses() async throws {
        let harness = try await SignalingHarness()
        let token = try await harness.token()
        let expected: [(MediaPlaneError, HTTPResponse.Status)] = [
            (.conflict("busy"), .conflict), (.unavailable("shutting down"), .serviceUnavailable),
            (.forbidden("no"), .forbidden), (.unknownSession, .notFound), (.badOffer("x"), .badRequest),
        ]
        try await harness.application().test(.router) { client async throws in
            for (error, status) in expected {
                harness.media.failOpen(with: error)
                #expect(try await post(client, token: token).status == status, "\(error)")
            }
        }
    }

    @Test func wrongContentTypeIs415() async throws {
        let harness = try await SignalingHarness()
        let token = try await harness.token()
        try await harness.application().test(.router) { client async throws in
            #expect(try await post(client, token: token, type: "text/plain").status == .unsupportedMediaType)
            #expect(try await post(client, token: token, type: nil).status == .unsupportedMediaType)
            #expect(try await post(client, token: token, type: "APPLICATION/SDP; charset=utf-8").status == .created)
            let location = try #require(try await post(client, token: token).headers[.location])
            let patch = try await client.execute(uri: location, method: .patch, headers: headers(token: token, type: "application/sdp"),
                                                 body: ByteBuffer(string: "a=end-of-candidates\r\n")) { $0 }
            #expect(patch.status == .unsupportedMediaType)
        }
    }

    @Test func oversizedBodyIs413() async throws {
        let harness = try await SignalingHarness()
        let token = try await harness.token()
        try await harness.application().test(.router) { client async throws in
            let big = SDPSamples.whipOffer + "a=x-padding:" + String(repeating: "p", count: 64 * 1024) + "\r\n"
            let response = try await post(client, token: token, body: big)
            #expect(response.status == .contentTooLarge)
            #expect(response.headers[.accessControlAllowOrigin] == "*")
        }
        #expect(harness.media.calls.isEmpty)
    }

    @Test func patchTricklesCandidatesToTheSession() async throws {
        let harness = try await SignalingHarness()
        let token = try await harness.token()
        try await harness.application().test(.router) { client async throws in
            let created = try await post(client, token: token)
            let location = try #require(created.headers[.location])
            let eTag = try #require(created.headers[.eTag])
            let fragment = """
                a=ice-ufrag:V4Nm\r
                a=ice-pwd:qvtKUWVhAe3ulBnVbpezt0Ir\r
                m=audio 9 UDP/TLS/RTP/SAVPF 111\r
                a=mid:0\r
                a=candidate:1 1 udp 2122260223 192.0.2.1 61764 typ host\r
                a=end-of-candidates\r

                """
            var extra = HTTPFields()
            extra[.ifMatch] = eTag
            let response = try await client.execute(uri: location, method: .patch,
                                                    headers: headers(token: token, type: "application/trickle-ice-sdpfrag", extra: extra),
                                                    body: ByteBuffer(string: fragment)) { $0 }
            #expect(response.status == .noContent)
            #expect(harness.media.calls.last == .addCandidate("1 1 udp 2122260223 192.0.2.1 61764 typ host", mid: "0", PeerSessionID("s1")))
        }
    }

    @Test func patchRefusesRestartsStaleETagsAndBadFragments() async throws {
        let harness = try await SignalingHarness()
        let token = try await harness.token()
        let trickle = "application/trickle-ice-sdpfrag"
        try await harness.application().test(.router) { client async throws in
            let location = try #require(try await post(client, token: token).headers[.location])
            func patch(_ body: String, ifMatch: String? = nil) async throws -> TestResponse {
                var extra = HTTPFields()
                if let ifMatch { extra[.ifMatch] = ifMatch }
                return try await client.execute(uri: location, method: .patch, headers: headers(token: token, type: trickle, extra: extra),
                                                body: ByteBuffer(string: body)) { $0 }
            }
            let restart = "a=ice-ufrag:NEW1\r\na=ice-pwd:newpasswordnewpassword12\r\nm=audio 9 RTP/AVP 0\r\na=mid:0\r\n"
            let viaIfMatch = try await patch(restart, ifMatch: "*")
            #expect(viaIfMatch.status == .methodNotAllowed)
            #expect(viaIfMatch.headers[.allow] == "DELETE, PATCH, OPTIONS")
            #expect(try await patch(restart).status == .methodNotAllowed)
            #expect(try await patch("a=end-of-candidates\r\n", ifMatch: "\"stale\"").status == .preconditionFailed)
            #expect(try await patch("garbage\r\n").status == .badRequest)
            #expect(try await patch("m=audio 9 RTP/AVP 0\r\na=candidate:bad\r\n").status == .badRequest)
            harness.media.failCandidates(with: .badOffer("unparsable candidate"))
            #expect(try await patch("m=audio 9 RTP/AVP 0\r\na=mid:0\r\na=candidate:1 1 udp 1 10.0.0.1 5000 typ host\r\n").status == .badRequest)
            // Only the last PATCH got as far as the media plane.
            #expect(harness.media.calls.filter { if case .addCandidate = $0 { true } else { false } }.count == 1)
        }
    }

    @Test func optionsAnswersCORSPreflights() async throws {
        let harness = try await SignalingHarness()
        try await harness.application().test(.router) { client async throws in
            let endpoint = try await client.execute(uri: "/whip/studio", method: .options) { $0 }
            #expect(endpoint.status == .noContent)
            #expect(endpoint.headers[.accessControlAllowOrigin] == "*")
            #expect(endpoint.headers[.accessControlAllowMethods] == "POST, OPTIONS")
            let allowHeaders = try #require(endpoint.headers[.accessControlAllowHeaders])
            #expect(allowHeaders.contains("Authorization") && allowHeaders.contains("Content-Type"))
            let expose = try #require(endpoint.headers[.accessControlExposeHeaders])
            #expect(expose.contains("Location") && expose.contains("Link") && expose.contains("ETag"))
            #expect(endpoint.headers[.init("Accept-Post")!] == "application/sdp")
            let whep = try await client.execute(uri: "/whep/studio", method: .options) { $0 }
            #expect(whep.status == .noContent)
            #expect(whep.headers[.init("Accept-Post")!] == "application/sdp")
            let resource = try await client.execute(uri: "/whep/studio/abc", method: .options) { $0 }
            #expect(resource.headers[.accessControlAllowMethods] == "DELETE, PATCH, OPTIONS")
            #expect(resource.headers[.init("Accept-Patch")!] == "application/trickle-ice-sdpfrag")
        }
    }

    @Test func allowedOriginIsConfigurable() async throws {
        let harness = try await SignalingHarness(configuration: .init(allowedOrigin: "https://app.example", now: { SignalingHarness.now }))
        try await harness.application().test(.router) { client async throws in
            let response = try await client.execute(uri: "/whip/studio", method: .options) { $0 }
            #expect(response.headers[.accessControlAllowOrigin] == "https://app.example")
            #expect(response.headers[.vary] == "Origin")
            #expect(try await post(client, token: nil).headers[.accessControlAllowOrigin] == "https://app.example")
        }
    }

    @Test func otherMethodsAre405WithAllow() async throws {
        let harness = try await SignalingHarness()
        try await harness.application().test(.router) { client async throws in
            let get = try await client.execute(uri: "/whip/studio", method: .get) { $0 }
            #expect(get.status == .methodNotAllowed)
            #expect(get.headers[.allow] == "POST, OPTIONS")
            let put = try await client.execute(uri: "/whep/studio/abc", method: .put) { $0 }
            #expect(put.status == .methodNotAllowed)
            #expect(put.headers[.allow] == "DELETE, PATCH, OPTIONS")
        }
    }

    @Test func sessionThatEndsByItselfFreesItsResource() async throws {
        let harness = try await SignalingHarness()
        let token = try await harness.token()
        try await harness.application().test(.router) { client async throws in
            let location = try #require(try await post(client, token: token).headers[.location])
            #expect(await harness.service.registry.count == 1)
            harness.media.emit(.connected, to: PeerSessionID("s1"))
            harness.media.emit(.closed(reason: "consent expired"), to: PeerSessionID("s1"))
            #expect(await harness.media.waitUntil { $0.contains(.close(PeerSessionID("s1"))) })
            #expect(await harness.service.registry.count == 0)
            #expect(await harness.service.hub.participants(in: "studio").isEmpty)
            #expect(try await client.execute(uri: location, method: .delete, headers: headers(token: token, type: nil)) { $0.status } == .notFound)
        }
    }

    @Test func shutdownClosesOpenSessions() async throws {
        let harness = try await SignalingHarness()
        let token = try await harness.token()
        try await harness.application().test(.router) { client async throws in
            #expect(try await post(client, token: token).status == .created)
            #expect(try await post(client, "/whep/studio", token: token, body: SDPSamples.whepOffer).status == .created)
            #expect(await harness.service.hub.participants(in: "studio").count == 2)
        }
        // The test framework shut the service group down gracefully when the closure returned.
        #expect(Set(harness.media.closed) == [PeerSessionID("s1"), PeerSessionID("s2")])
    }

    @Test func webClientIsServed() async throws {
        let harness = try await SignalingHarness()
        try await harness.application().test(.router) { client async throws in
            let page = try await client.execute(uri: "/", method: .get) { $0 }
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            let html = String(buffer: page.body)
            #expect(html.contains("Go live") && html.contains("Watch") && html.contains("Leave") && html.contains("/app.js"))
            let script = try await client.execute(uri: "/app.js", method: .get) { $0 }
            #expect(script.headers[.contentType] == "text/javascript; charset=utf-8")
            let js = String(buffer: script.body)
            for needle in ["window.chobi", "iceServers: []", "exchange('whip', pc)", "exchange('whep', pc)", "getUserMedia",
                           "icegatheringstatechange", "connectionState", "method: 'DELETE'", "autostart", "direction: 'recvonly'"] {
                #expect(js.contains(needle), "\(needle)")
            }
            let app = try await client.execute(uri: "/live.js", method: .get) { $0 }
            #expect(app.status == .ok)
            #expect(app.headers[.contentType] == "text/javascript; charset=utf-8")
            let appJS = String(buffer: app.body)
            for needle in ["users.register", "users.login", "streaming.getActiveSessions", "streaming.createSession",
                           "streaming.joinSession", "streaming.inviteGuest", "streaming.respondToInvite",
                           "streaming.endSession", "'/rtc?token='", "case 'session_ended'", "textContent"] {
                #expect(appJS.contains(needle), "\(needle)")
            }
            #expect(!appJS.contains("innerHTML"), "user data must not reach the page as HTML")
        }
    }
}
