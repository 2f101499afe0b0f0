#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Testing
@testable import API

/// `JSONBytes` must write what the API's `JSONEncoder` writes, byte for byte.
@Suite("JSONBytes: the hand-written JSON is JSONEncoder's")
struct JSONBytesTests {
    struct Sample: JSONBytesEncodable, Equatable {
        var flag: Bool
        var name: String
        var note: String?
        var count: Int
        var big: Int64
        var small: Int64
        var missing: Int?
        var nested: Inner

        struct Inner: JSONBytesEncodable, Equatable {
            var a: String
            var z: UInt8

            func writeJSON(to out: inout JSONBytes) {
                out.object { o in
                    o.field("a", a)
                    o.field("z", z)
                }
            }
        }

        func writeJSON(to out: inout JSONBytes) {
            out.object { o in
                o.field("big", big)
                o.field("count", count)
                o.field("flag", flag)
                o.field("missing", missing)
                o.field("name", name)
                o.field("nested", nested)
                o.field("note", note)
                o.field("small", small)
            }
        }
    }

    static let texts: [String] = [
        "", "plain", "quote \" backslash \\ slash / </script>",
        "two\nlines\r\nand a tab\t backspace \u{8} formfeed \u{c}",
        "nul \u{0} bell \u{7} escape \u{1b}[31m unit \u{1f} delete \u{7f}",
        "line separators \u{2028} \u{2029}", "café Ωμέγα 日本語 🎁👩‍👩‍👧 🇧🇩",
        "\\u0022 looks escaped \\\"", String(repeating: "x", count: 5_000),
    ]

    static func encoded(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    @Test("strings, numbers at their limits, nil left out, nesting", arguments: texts)
    func matchesEncoder(_ text: String) throws {
        for (big, small, note) in [(Int64.max, Int64.min, Optional(text)), (0, -1, nil), (1_700_000_000_123, -42, "")] {
            let sample = Sample(flag: big > 0, name: text, note: note, count: text.count, big: big, small: small,
                                missing: nil, nested: .init(a: text, z: 255))
            var out = JSONBytes()
            sample.writeJSON(to: &out)
            let expected = try Self.encoded(sample)
            #expect(out.bytes == expected, "\(String(decoding: out.bytes, as: UTF8.self)) vs \(String(decoding: expected, as: UTF8.self))")
        }
    }

    @Test("the tRPC envelope takes the fast path and says what the encoder says")
    func envelope() throws {
        let sample = Sample(flag: true, name: "n\u{1}", note: nil, count: 3, big: 9, small: -9, missing: 4,
                            nested: .init(a: "é", z: 0))
        let fast = try TRPCEnvelope.success(sample, encoder: TRPCEnvelope.makeEncoder())
        struct Slow: Encodable { var result: Data; struct Data: Encodable { var data: Sample } }
        #expect(fast == (try Self.encoded(Slow(result: .init(data: sample)))))
    }
}
