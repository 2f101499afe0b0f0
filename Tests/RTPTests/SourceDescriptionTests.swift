import Testing
@testable import RTP

@Suite("Source description (RFC 3550 §6.5)")
struct SourceDescriptionTests {
    static let cnameBytes: [UInt8] = [
        0x81, 0xCA, 0x00, 0x06,  // V=2 P=0 SC=1 | PT=202 | length 6 → 28 bytes
        0x12, 0x34, 0x56, 0x78,  // chunk 1: SSRC
        0x01, 0x10,              //   item CNAME, 16 bytes:
        0x75, 0x73, 0x65, 0x72, 0x40, 0x65, 0x78, 0x61,  // "user@exa"
        0x6D, 0x70, 0x6C, 0x65, 0x2E, 0x63, 0x6F, 0x6D,  // "mple.com"
        0x00,                    //   end of items
        0x00,                    //   padding to the 32-bit boundary
    ]

    @Test("one chunk with a CNAME parses and marshals byte-exact")
    func cnameVector() throws {
        let sdes = try SourceDescription(parsing: Self.cnameBytes)
        #expect(sdes == SourceDescription(source: 0x1234_5678, cname: "user@example.com"))
        #expect(sdes.chunks.first?.cname == "user@example.com")
        #expect(try sdes.marshal() == Self.cnameBytes)
    }

    static let twoChunks: [UInt8] = [
        0x82, 0xCA, 0x00, 0x06,  // SC=2 | PT=202 | length 6 → 28 bytes
        0x00, 0x00, 0x00, 0x01,  // chunk 1: SSRC 1
        0x01, 0x01, 0x41,        //   CNAME "A"
        0x00,                    //   end (already on a boundary: no padding)
        0x00, 0x00, 0x00, 0x02,  // chunk 2: SSRC 2
        0x01, 0x03, 0x42, 0x43, 0x44,  // CNAME "BCD"
        0x06, 0x01, 0x78,        //   TOOL "x"
        0x00,                    //   end
        0x00, 0x00, 0x00,        //   padding
    ]

    @Test("two chunks, several items, different padding per chunk")
    func twoChunkVector() throws {
        let expected = SourceDescription(chunks: [
            .init(source: 1, items: [.init(type: .cname, text: "A")]),
            .init(source: 2, items: [.init(type: .cname, text: "BCD"), .init(type: .tool, text: "x")]),
        ])
        #expect(try SourceDescription(parsing: Self.twoChunks) == expected)
        #expect(try expected.marshal() == Self.twoChunks)
    }

    @Test("a chunk with no items is SSRC plus one terminator word")
    func emptyChunk() throws {
        let sdes = SourceDescription(chunks: [.init(source: 7, items: [])])
        #expect(try sdes.marshal() == [0x81, 0xCA, 0x00, 0x02, 0, 0, 0, 7, 0, 0, 0, 0])
        #expect(try SourceDescription(parsing: sdes.marshal()) == sdes)
    }

    @Test("rejects overrunning items, a missing terminator and trailing garbage")
    func malformed() {
        var bytes = Self.cnameBytes
        bytes[9] = 0x20  // item length 32 > what is left
        #expect(throws: RTCPError.truncated(needed: 38, have: 24)) { try SourceDescription(parsing: bytes) }
        // SC=2 but only one chunk's bytes (and a terminator word's worth of zeros after it).
        bytes = Self.cnameBytes
        bytes[0] = 0x82
        #expect(throws: RTCPError.truncated(needed: 28, have: 24)) { try SourceDescription(parsing: bytes) }
        // SC=0 with a body: bytes left over.
        bytes = Self.cnameBytes
        bytes[0] = 0x80
        #expect(throws: RTCPError.badSourceDescription) { try SourceDescription(parsing: bytes) }
    }

    @Test("marshal refuses type-0 items, texts over 255 bytes and over 31 chunks")
    func marshalLimits() {
        let typeZero = SourceDescription(chunks: [.init(source: 1, items: [.init(type: .init(rawValue: 0), text: "a")])])
        #expect(throws: RTCPError.valueOutOfRange("SDES item type 0 is the terminator")) { try typeZero.marshal() }
        let long = SourceDescription(source: 1, cname: String(repeating: "x", count: 256))
        #expect(throws: RTCPError.valueOutOfRange("SDES item over 255 bytes")) { try long.marshal() }
        let many = SourceDescription(chunks: Array(repeating: .init(source: 1, items: []), count: 32))
        #expect(throws: RTCPError.valueOutOfRange("32 SDES chunks, at most 31")) { try many.marshal() }
    }
}
