// Hostile descriptions: mutations of real offers (and of our own answers and offers) must end in
// a typed error or a valid parse, never a trap; valid parses must survive serialize → parse.
import Testing
import TestSupport
@testable import SDP

@Suite struct HostileInputTests {
    func seeds() throws -> [[UInt8]] {
        // The captured offers and answers, plus our own server offer (server-offer.sdp).
        var seeds = try Fixture.names.map(Fixture.bytes)
        let answer = try SDPAnswerer(configuration: serverConfiguration)
            .answer(to: try Fixture.parsed("chromium-simulcast"), policies: ["0": .accept(send: sfuStream)])
        seeds.append(Array(answer.description.serialized().utf8))
        // A minimal LF-only description, so short and differently-terminated inputs are mutated too.
        seeds.append(Array(minimalOffer().utf8))
        return seeds
    }

    @Test func parserNeverTrapsAndValidParsesRoundTrip() throws {
        // Checks are counted, not #expect-ed per case: 100k macro expansions cost seconds in debug.
        var valid = 0, invalid = 0, withLine = 0
        var mismatches: [Int] = [], badLines: [Int] = [], overLimit: [Int] = []
        for hostile in HostileInput(seeds: try seeds(), count: 100_000, seed: 0x5D9_0001) {
            do {
                let sdp = try SessionDescription(parsing: hostile.bytes)
                valid += 1
                if sdp.media.count > SDPLimits.maxMediaSections { overLimit.append(hostile.index) }
                if (try? SessionDescription(parsing: sdp.serialized())) != sdp { mismatches.append(hostile.index) }
            } catch {
                invalid += 1
                if let line = error.line {
                    withLine += 1
                    // A line number must point at a line of the input (counted for a sample of
                    // cases: counting lines of every case would double the run time).
                    if withLine % 64 == 0, line < 1 || line > 1 + hostile.bytes.lazy.filter({ $0 == 0x0A }).count {
                        badLines.append(hostile.index)
                    }
                }
            }
        }
        #expect(mismatches.isEmpty, "round trip changed cases \(mismatches.prefix(10))")
        #expect(badLines.isEmpty, "error lines outside the input: cases \(badLines.prefix(10))")
        #expect(overLimit.isEmpty)
        #expect(valid > 1_000, "valid parses: \(valid)")
        #expect(invalid > 1_000, "errors: \(invalid)")
        #expect(withLine > 1_000)
    }

    @Test func answererHandlesEveryValidMutation() throws {
        // Anything the parser accepts, the answerer either answers with a description that
        // parses back equal, or refuses with a typed error.
        let answerer = SDPAnswerer(configuration: serverConfiguration)
        var answered = 0, refused = 0
        for hostile in HostileInput(seeds: try seeds(), count: 20_000, seed: 0x5D9_0002) {
            guard let offer = try? SessionDescription(parsing: hostile.bytes) else { continue }
            do {
                let result = try answerer.answer(to: offer, policies: ["1": .accept(send: sfuStream)])
                answered += 1
                #expect(result.media.count == offer.media.count)
                let reparsed = try SessionDescription(parsing: result.description.serialized())
                #expect(reparsed == result.description, "case \(hostile.index)")
            } catch {
                refused += 1
            }
        }
        #expect(answered > 100 && refused > 0, "answered \(answered), refused \(refused)")
    }
}
