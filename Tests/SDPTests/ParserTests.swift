// The line reader: structure, order, bounds, and that unknown lines survive a round trip.
import Testing
@testable import SDP

/// A small valid offer to mutate in tests; LF-joined, serialized with CRLF.
func minimalOffer(extraSession: [String] = [], extraMedia: [String] = []) -> String {
    (["v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0"] + extraSession + [
        "m=audio 9 UDP/TLS/RTP/SAVPF 111",
        "c=IN IP4 0.0.0.0",
        "a=mid:0",
        "a=ice-ufrag:abcd",
        "a=ice-pwd:abcdefghijklmnopqrstuv",
        "a=fingerprint:sha-256 01:02:03",
        "a=setup:actpass",
        "a=rtcp-mux",
        "a=rtpmap:111 opus/48000/2",
    ] + extraMedia).joined(separator: "\n") + "\n"
}

@Suite struct ParserTests {
    func error(_ text: String) -> SDPError? {
        do {
            _ = try SessionDescription(parsing: text)
            return nil
        } catch {
            return error
        }
    }

    @Test func minimalOfferParses() throws {
        let sdp = try SessionDescription(parsing: minimalOffer())
        #expect(sdp.media.count == 1)
        #expect(sdp.media[0].connection == Connection(address: "0.0.0.0"))
        #expect(sdp.timings == [Timing(start: 0, stop: 0)])
        #expect(sdp.serialized().hasSuffix("a=rtpmap:111 opus/48000/2\r\n"))
    }

    @Test func unknownAttributesAndLinesKeepTheirPlace() throws {
        let text = minimalOffer(extraSession: ["a=x-session-thing:1 2 3", "a=flag-only"],
                                extraMedia: ["a=x-google-flag:conference", "a=rtcp:9 IN IP4 0.0.0.0", "a=weird:"])
            .replacingCRLF()
        let sdp = try SessionDescription(parsing: text)
        #expect(sdp.attributes.map(\.name) == ["group", "x-session-thing", "flag-only"])
        #expect(sdp.attributes[2].value == nil)
        #expect(sdp.media[0].attributes.suffix(3).map(\.lineValue) == ["x-google-flag:conference", "rtcp:9 IN IP4 0.0.0.0", "weird:"])
        #expect(sdp.serialized() == text)
    }

    @Test func optionalSessionLinesRoundTrip() throws {
        let text = ["v=0", "o=alice 10 20 IN IP6 ::1", "s=A talk", "i=about", "u=http://example.com/x",
                    "e=a@example.com", "e=b@example.com", "p=+1 555", "c=IN IP4 224.2.1.1/127", "b=AS:128",
                    "t=10 20", "r=7d 1h 0 25h", "t=30 40", "z=2882844526 -1h", "k=prompt", "a=recvonly",
                    "m=video 51372/2 RTP/AVP 99", "i=cam", "c=IN IP4 10.0.0.1", "b=TIAS:64000", "k=clear:x",
                    "a=rtpmap:99 h263-1998/90000"].joined(separator: "\r\n") + "\r\n"
        let sdp = try SessionDescription(parsing: text)
        #expect(sdp.timings.count == 2 && sdp.timings[0].repeats == ["7d 1h 0 25h"])
        #expect(sdp.emails.count == 2 && sdp.bandwidths == [Bandwidth(type: "AS", value: 128)])
        #expect(sdp.media[0].portCount == 2 && sdp.media[0].bandwidths.first?.value == 64000)
        #expect(sdp.explicitDirection == .recvonly)
        #expect(sdp.serialized() == text)
    }

    @Test func firstLineMustBeVersion() {
        #expect(error("o=- 1 2 IN IP4 0.0.0.0\nv=0\n")?.line == 1)
        #expect(error("v=1\no=- 1 2 IN IP4 0.0.0.0\ns=-\nt=0 0\n") == .malformed(line: 1, field: "v=", reason: "only version 0 exists"))
        #expect(error("") == .missingLine("v="))
    }

    @Test func requiredLinesAndOrder() {
        #expect(error("v=0\ns=-\nt=0 0\n") == .missingLine("o="))
        #expect(error("v=0\no=- 1 2 IN IP4 0.0.0.0\nt=0 0\n") == .missingLine("s="))
        #expect(error("v=0\no=- 1 2 IN IP4 0.0.0.0\ns=-\n") == .missingLine("t="))
        #expect(error("v=0\no=- 1 2 IN IP4 0.0.0.0\ns=-\nm=audio 9 RTP/AVP 0\n") == .missingLine("t="))
        // a= before t= at session level is out of order.
        if case .unexpectedLine(let line, _)? = error("v=0\no=- 1 2 IN IP4 0.0.0.0\ns=-\na=x\nt=0 0\n") {
            #expect(line == 5)
        } else {
            Issue.record("out-of-order t= accepted")
        }
        // Two o= lines, and c= after a= in a media section.
        #expect(error("v=0\no=- 1 2 IN IP4 0.0.0.0\no=- 1 2 IN IP4 0.0.0.0\ns=-\nt=0 0\n")?.line == 3)
        #expect(error(minimalOffer(extraMedia: ["c=IN IP4 1.2.3.4"]))?.line == 15)
    }

    @Test func unknownTypeLettersAreRejected() {
        // RFC 8866 5: a description with a type letter the parser does not understand is invalid.
        if case .unexpectedLine(let line, _)? = error(minimalOffer(extraMedia: ["x=something"])) {
            #expect(line == 15)
        } else {
            Issue.record("unknown type letter accepted")
        }
    }

    @Test func malformedMediaLines() {
        let base = "v=0\no=- 1 2 IN IP4 0.0.0.0\ns=-\nt=0 0\n"
        for bad in ["m=audio 9 UDP/TLS/RTP/SAVPF", "m=audio 70000 RTP/AVP 0", "m=audio 9 RTP/AVP 128",
                    "m=audio x RTP/AVP 0", "m=audio 9/0 RTP/AVP 0", "m=audio 9 RTP//AVP 0", "m=audio 9 RTP/AVP abc"] {
            let e = error(base + bad + "\n")
            #expect(e?.line == 5, "\(bad)")
            if case .malformed(_, let field, _)? = e { #expect(field == "m=") } else { Issue.record("\(bad): \(String(describing: e))") }
        }
    }

    @Test func malformedKnownAttributesPointAtTheirLine() {
        let cases: [(String, String)] = [
            ("a=rtpmap:128 opus/48000/2", "rtpmap"), ("a=rtpmap:111 opus", "rtpmap"),
            ("a=rtpmap:111 opus/0", "rtpmap"), ("a=candidate:1 1 udp 99999999999 1.2.3.4 5 typ host", "candidate"),
            ("a=candidate:1 1 udp 1 1.2.3.4 5 type host", "candidate"), ("a=candidate:1 1 udp 1 1.2.3.4 5 typ host generation", "candidate"),
            ("a=candidate:1 0 udp 1 1.2.3.4 5 typ host", "candidate"), ("a=extmap:0 urn:x", "extmap"),
            ("a=extmap:3/sideways urn:x", "extmap"), ("a=ssrc:4294967296 cname:x", "ssrc"),
            ("a=ssrc-group:FID", "ssrc-group"), ("a=rid:q sideways", "rid"), ("a=rid:q send pt=300", "rid"),
            ("a=simulcast:send q;;h", "simulcast"), ("a=simulcast:both q", "simulcast"),
            ("a=fingerprint:sha-256 0G:00", "fingerprint"), ("a=setup:maybe", "setup"),
            ("a=msid:a b c", "msid"), ("a=rtcp-fb:x nack", "rtcp-fb"), ("a=sctp-port:65536", "sctp-port"),
            ("a=max-message-size:-1", "max-message-size"), ("a=ice-options:", "ice-options"),
        ]
        for (line, field) in cases {
            let e = error(minimalOffer(extraMedia: [line]))
            #expect(e == .malformed(line: 15, field: field, reason: reason(of: e)), "\(line)")
        }
    }

    @Test func iceCredentialLengths() {
        #expect(error(minimalOffer().replacingOccurrences("a=ice-ufrag:abcd", "a=ice-ufrag:abc"))?.line == 9)
        #expect(error(minimalOffer().replacingOccurrences("a=ice-pwd:abcdefghijklmnopqrstuv", "a=ice-pwd:short"))?.line == 10)
        #expect(error(minimalOffer().replacingOccurrences("a=ice-ufrag:abcd", "a=ice-ufrag:ab-cd"))?.line == 9)
    }

    @Test func duplicatesAreRejected() {
        #expect(error(minimalOffer(extraMedia: ["a=mid:1"]))?.line == 15)
        #expect(error(minimalOffer(extraMedia: ["a=sendonly", "a=recvonly"]))?.line == 16)
        #expect(error(minimalOffer(extraMedia: ["a=rtpmap:111 opus/48000/2"]))?.line == 15)
        #expect(error(minimalOffer(extraMedia: ["a=extmap:1 urn:a", "a=extmap:1 urn:b"]))?.line == 16)
        #expect(error(minimalOffer(extraMedia: ["a=rid:q send", "a=rid:q send"]))?.line == 16)
        // The same mid in two sections.
        let twice = minimalOffer(extraMedia: ["m=video 9 UDP/TLS/RTP/SAVPF 96", "a=mid:0"])
        #expect(error(twice)?.line == 16)
    }

    @Test func bundleMustNameExistingSections() {
        let e = error(minimalOffer().replacingOccurrences("a=group:BUNDLE 0", "a=group:BUNDLE 0 7"))
        #expect(e == .malformed(line: 5, field: "group", reason: "mid 7 names no section"))
    }

    @Test func boundsAreEnforced() {
        let big = minimalOffer(extraMedia: Array(repeating: "a=x:" + String(repeating: "y", count: 1000), count: 70))
        #expect(error(big) == .inputTooLarge(size: big.utf8.count, limit: SDPLimits.maxInputBytes))
        let longLine = minimalOffer(extraMedia: ["a=x:" + String(repeating: "y", count: 5000)])
        #expect(error(longLine) == .lineTooLong(line: 15, limit: SDPLimits.maxLineBytes))
        let sections = (0..<65).map { "m=audio 9 RTP/AVP 0\na=mid:m\($0)" }
        let many = "v=0\no=- 1 2 IN IP4 0.0.0.0\ns=-\nt=0 0\n" + sections.joined(separator: "\n") + "\n"
        #expect(error(many) == .limitExceeded(line: 4 + 64 * 2 + 1, what: "media sections", limit: 64))
        let attrs = minimalOffer(extraMedia: Array(repeating: "a=z", count: 1100))
        if case .limitExceeded(_, let what, _)? = error(attrs) { #expect(what == "attributes in a section") } else {
            Issue.record("attribute limit not enforced")
        }
        let pts = (0...128).map(String.init).joined(separator: " ")
        #expect(error("v=0\no=- 1 2 IN IP4 0.0.0.0\ns=-\nt=0 0\nm=audio 9 RTP/AVP \(pts)\n")?.line == 5)
    }

    @Test func forbiddenBytes() {
        #expect(error(minimalOffer(extraMedia: ["a=x:a\u{0}b"])) == .invalidCharacters(line: 15))
        #expect(error(minimalOffer(extraMedia: ["a=x:a\rb"])) == .invalidCharacters(line: 15))
        var bytes = Array(minimalOffer().utf8)
        bytes.insert(0xFF, at: bytes.count - 3)
        #expect(throws: SDPError.invalidCharacters(line: 14)) { try SessionDescription(parsing: bytes) }
        #expect(error(minimalOffer().replacingOccurrences("s=-", "s=-\n\n"))?.line == 4)
        #expect(error(minimalOffer().replacingOccurrences("s=-", "s-"))?.line == 3)
    }

    @Test func trailingBlankLinesAreTolerated() throws {
        let sdp = try SessionDescription(parsing: minimalOffer() + "\r\n\n")
        #expect(sdp == (try SessionDescription(parsing: minimalOffer())))
    }

    private func reason(of error: SDPError?) -> String {
        if case .malformed(_, _, let reason)? = error { return reason }
        return "<no malformed error>"
    }
}

extension String {
    func replacingCRLF() -> String { split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n") }

    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        var out = ""
        var rest = Substring(self)
        while let r = rest.firstRange(of: target) {
            out += rest[..<r.lowerBound] + replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}
