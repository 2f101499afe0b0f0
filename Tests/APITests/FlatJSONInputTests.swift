@testable import API
import Foundation
import TestSupport
import Testing

/// `FlatJSONInput`, the fast path that decodes flat call inputs without `JSONDecoder`: it must take
/// the common shapes, and whatever it takes must be exactly what `JSONDecoder` makes of the same
/// text; what it declines, `JSONDecoder` decides (accepting it or naming the error).
@Suite struct FlatJSONInputTests {
    enum Tier: String, Codable, Equatable { case common, rare }

    struct Gift: Codable, Equatable {
        var sessionId: String
        var giftId: String
        var count: Int?
        var idempotencyKey: String
        var big: Int64?
        var small: UInt8?
        var ratio: Double?
        var on: Bool?
        var tier: Tier?
    }

    struct Stamped: Codable, Equatable {
        var at: Date
    }

    /// What the fast path makes of `text`, nil when it declines.
    private func fast<T: Decodable>(_ type: T.Type, _ text: String) -> T? {
        fast(type, Array(text.utf8))
    }

    private func fast<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]) -> T? {
        guard let members = FlatJSONInput.parse(bytes) else { return nil }
        return try? T(from: FlatJSONInput.decoder(for: members))
    }

    private func slow<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]) -> T? {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(type, from: Data(bytes))
    }

    @Test("common inputs take the fast path and decode as JSONDecoder does")
    func commonShapes() throws {
        let texts = [
            #"{"sessionId":"0b6c2c9e-5f7a-4d2e-9b1a-3c4d5e6f7a8b","giftId":"rose","idempotencyKey":"k-1"}"#,
            #"  {"sessionId":"s","giftId":"🌹 ünï","count":99,"idempotencyKey":"k","big":-9223372036854775808}  "#,
            "{\n\t\"sessionId\" : \"s\" ,\r\n \"giftId\":\"g\", \"idempotencyKey\":\"k\", \"small\":255, \"ratio\":-0.5e-3}",
            #"{"sessionId":"s","giftId":"g","idempotencyKey":"k","on":true,"tier":"rare","count":null,"extra":[1]}"#
                .replacingOccurrences(of: #","extra":[1]"#, with: #","extra":"ignored""#),
            #"{"sessionId":"","giftId":"g","idempotencyKey":"k","ratio":7,"on":false,"tier":null}"#,
        ]
        for text in texts {
            let value = try #require(fast(Gift.self, text), "declined: \(text)")
            #expect(value == slow(Gift.self, Array(text.utf8)), "\(text)")
        }
        // An optional input (`PageInput?`) is the object itself.
        #expect(fast(Gift?.self, texts[0]) == slow(Gift?.self, Array(texts[0].utf8)))
    }

    @Test("declines what it is not sure of; JSONDecoder then decides")
    func declines() {
        let declined = [
            #"{"sessionId":"a\"b","giftId":"g","idempotencyKey":"k"}"#,          // an escape
            #"{"sessionId":"s","giftId":"g","idempotencyKey":"k","count":1.0}"#,   // fraction for an Int
            #"{"sessionId":"s","giftId":"g","idempotencyKey":"k","count":1e2}"#,   // exponent for an Int
            #"{"sessionId":"s","giftId":"g","idempotencyKey":"k","small":256}"#,   // out of UInt8
            #"{"sessionId":"s","giftId":"g","idempotencyKey":"k","big":9223372036854775808}"#,
            #"{"sessionId":"s","sessionId":"t","giftId":"g","idempotencyKey":"k"}"#, // duplicate key
            #"{"sessionId":"s","giftId":"g","idempotencyKey":"k","tier":{"x":1}}"#,  // nested
            #"{"sessionId":"s","giftId":"g","idempotencyKey":"k","count":[1]}"#,     // array
            #"{"sessionId":"s","giftId":"g","idempotencyKey":"k","count":01}"#,      // leading zero
            #"{"sessionId":"s","giftId":"g","idempotencyKey":"k",}"#,                // trailing comma
            #"{"sessionId":"s","giftId":"g","idempotencyKey":"k"} x"#,               // trailing text
            #"{"sessionId":"s","giftId":"g","idempotencyKey":"k","tier":"epic"}"#,   // not a case
            #"{"sessionId":null,"giftId":"g","idempotencyKey":"k"}"#,                // null for a String
            #"{"giftId":"g","idempotencyKey":"k"}"#,                                  // missing field
            #"{"sessionId":"s","giftId":"g","idempotencyKey":"k","on":1}"#,          // number for a Bool
            "{\"sessionId\":\"a\u{01}b\",\"giftId\":\"g\",\"idempotencyKey\":\"k\"}", // control character
            #"["sessionId"]"#, #""s""#, "null", "", "{", #"{"a":tru}"#, #"{"a":-}"#,
        ]
        for text in declined {
            #expect(fast(Gift.self, text) == nil, "took: \(text)")
        }
        // The escape and the fraction are JSON that JSONDecoder reads: the fallback keeps them working.
        #expect(slow(Gift.self, Array(declined[0].utf8))?.sessionId == "a\"b")
        #expect(slow(Gift.self, Array(declined[1].utf8))?.count == 1)
        // Dates follow JSONDecoder's strategy, never Date's own Codable form.
        #expect(fast(Stamped.self, #"{"at":"2026-12-07T03:04:05Z"}"#) == nil)
        #expect(fast(Stamped.self, #"{"at":1000}"#) == nil)
    }

    @Test("hostile variants: never a trap, and never a value JSONDecoder would not make")
    func hostile() {
        let seeds = [
            #"{"sessionId":"0b6c2c9e","giftId":"rose","count":3,"idempotencyKey":"k-1","on":true,"ratio":1.5}"#,
            #"{"sessionId":"ünï 🎉","giftId":"g","idempotencyKey":"k","big":-42,"small":7,"tier":"common"}"#,
        ].map { Array($0.utf8) }
        var taken = 0
        for hostile in HostileInput(seeds: seeds, count: 20_000, seed: 0xF1A7, maxLength: 4_096) {
            // Callers validate UTF-8 first; the parser's own contract starts there.
            guard String(validating: hostile.bytes, as: UTF8.self) != nil else { continue }
            guard let value = fast(Gift.self, hostile.bytes) else { continue }
            taken += 1
            #expect(value == slow(Gift.self, hostile.bytes), "case \(hostile.index) (\(hostile.kind))")
        }
        // Some variants stay valid (a changed letter in a string): the comparison above did run.
        #expect(taken > 100)
    }
}
