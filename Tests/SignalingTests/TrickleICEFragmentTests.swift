import SDP
import Testing
import TestSupport
@testable import Signaling

@Suite struct TrickleICEFragmentTests {
    /// The shape of RFC 8840 §9's example fragment, with a second section and a trailing
    /// end-of-candidates, as a WHIP client PATCHes it.
    static let example = """
        a=ice-options:trickle ice2\r
        a=group:BUNDLE 0 1\r
        a=ice-ufrag:EsAw\r
        a=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1\r
        m=audio 9 UDP/TLS/RTP/SAVPF 111\r
        a=mid:0\r
        a=candidate:1387637174 1 udp 2122260223 192.0.2.1 61764 typ host generation 0 ufrag EsAw network-id 1\r
        a=candidate:3471623853 1 udp 2122194687 198.51.100.2 61765 typ host generation 0 ufrag EsAw network-id 2\r
        a=candidate:473322822 1 tcp 1518280447 192.0.2.1 9 typ host tcptype active generation 0 ufrag EsAw network-id 1\r
        m=video 9 UDP/TLS/RTP/SAVPF 96\r
        a=candidate:2154773085 1 udp 2122260223 192.0.2.1 50000 typ host\r
        a=mid:1\r
        a=end-of-candidates\r

        """

    @Test func parsesCredentialsCandidatesAndTheirMids() throws {
        let fragment = try TrickleICEFragment(parsing: Self.example)
        #expect(fragment.iceUfrag == "EsAw")
        #expect(fragment.icePwd == "P2uYro0UCOQ4zxjKXaWCBui1")
        #expect(fragment.endOfCandidates)
        #expect(fragment.candidates.map(\.mid) == ["0", "0", "0", "1"])
        #expect(fragment.candidates[0].value == "1387637174 1 udp 2122260223 192.0.2.1 61764 typ host generation 0 ufrag EsAw network-id 1")
        // The mid written after a candidate still applies to it (the section is one unit).
        #expect(fragment.candidates[3].value == "2154773085 1 udp 2122260223 192.0.2.1 50000 typ host")
    }

    @Test func endOfCandidatesAloneHasNoCandidates() throws {
        let fragment = try TrickleICEFragment(parsing: "a=ice-ufrag:x\r\na=ice-pwd:y\r\nm=audio 9 RTP/AVP 0\r\na=mid:0\r\na=end-of-candidates\r\n")
        #expect(fragment.candidates.isEmpty)
        #expect(fragment.endOfCandidates)
    }

    @Test func acceptsBareLFAndSessionLevelCandidates() throws {
        let fragment = try TrickleICEFragment(parsing: "a=candidate:1 1 udp 1 10.0.0.1 5000 typ host\nm=audio 9 RTP/AVP 0\n")
        #expect(fragment.candidates == [.init(value: "1 1 udp 1 10.0.0.1 5000 typ host", mid: nil)])
    }

    @Test func refusesWhatIsNotAFragment() {
        #expect(throws: TrickleICEFragmentError.malformedLine(line: 1)) { try TrickleICEFragment(parsing: "hello\r\n") }
        #expect(throws: TrickleICEFragmentError.malformedLine(line: 2)) { try TrickleICEFragment(parsing: "a=mid:0\r\nm=audio\r\n") }
        #expect(throws: TrickleICEFragmentError.malformedLine(line: 1)) { try TrickleICEFragment(parsing: "a=ice-ufrag:\r\n") }
        #expect(throws: TrickleICEFragmentError.invalidCharacters(line: 1)) { try TrickleICEFragment(parsing: "a=mid:\u{0}0\r\n") }
        #expect(throws: TrickleICEFragmentError.invalidCharacters(line: 2)) {
            try TrickleICEFragment(parsing: Array("a=mid:0\r\n".utf8) + [0x61, 0x3D, 0x6D, 0xFF, 0x0A])
        }
        #expect(throws: TrickleICEFragmentError.lineTooLong(line: 1)) {
            try TrickleICEFragment(parsing: "a=x:" + String(repeating: "y", count: TrickleICEFragment.maxLineBytes))
        }
        #expect(throws: TrickleICEFragmentError.tooLarge(TrickleICEFragment.maxBytes + 1)) {
            try TrickleICEFragment(parsing: String(repeating: "\n", count: TrickleICEFragment.maxBytes + 1))
        }
        do {
            _ = try TrickleICEFragment(parsing: "m=audio 9 RTP/AVP 0\r\na=candidate:1 1 udp notanumber 10.0.0.1 5000 typ host\r\n")
            Issue.record("bad candidate accepted")
        } catch {
            guard case .badCandidate(let line, _) = error else { Issue.record("got \(error)"); return }
            #expect(line == 2)
        }
    }

    @Test func boundsTheNumberOfCandidates() {
        let line = "a=candidate:1 1 udp 1 10.0.0.1 5000 typ host\r\n"
        let ok = "m=audio 9 RTP/AVP 0\r\n" + String(repeating: line, count: TrickleICEFragment.maxCandidates)
        #expect((try? TrickleICEFragment(parsing: ok))?.candidates.count == TrickleICEFragment.maxCandidates)
        #expect(throws: TrickleICEFragmentError.tooManyCandidates) { try TrickleICEFragment(parsing: ok + line) }
    }

    /// Hostile bodies end in a typed error or a fragment whose every candidate is one the SDP
    /// module accepts, within the bounds.
    @Test func hostileFragmentsNeverTrap() {
        let seeds = [Self.example, "a=ice-ufrag:x\r\na=ice-pwd:y\r\nm=audio 9 RTP/AVP 0\r\na=mid:0\r\na=end-of-candidates\r\n",
                     "m=video 9 UDP/TLS/RTP/SAVPF 96\na=mid:v\na=candidate:9 1 tcp 5 ::1 9 typ host tcptype passive\n"]
            .map { Array($0.utf8) }
        var parsed = 0
        var failed = 0
        for hostile in HostileInput(seeds: seeds, count: 100_000, seed: 0x7121C) {
            do {
                let fragment = try TrickleICEFragment(parsing: hostile.bytes)
                parsed += 1
                #expect(fragment.candidates.count <= TrickleICEFragment.maxCandidates)
                for candidate in fragment.candidates {
                    #expect((try? SDPCandidate(parsing: candidate.value)) != nil, "case \(hostile.index) \(hostile.kind)")
                }
            } catch {
                failed += 1
            }
        }
        #expect(parsed > 1000)
        #expect(failed > 1000)
    }
}
