import Testing
@testable import RTP

@Suite("RTP header parsing (RFC 3550 §5.1)")
struct RTPHeaderTests {
    @Test("minimal header: fields and payload range")
    func minimalHeader() throws {
        let packet: [UInt8] = [
            0x80, 0x60, 0x12, 0x34,  // V=2 P=0 X=0 CC=0 | M=0 PT=96 | seq 0x1234
            0x00, 0x01, 0xE2, 0x40,  // timestamp 123456
            0xDE, 0xAD, 0xBE, 0xEF,  // SSRC
            0xAA, 0xBB,              // payload
        ]
        let header = try RTPHeader(parsing: packet)
        #expect(header.version == 2)
        #expect(!header.padding && !header.hasExtension && !header.marker)
        #expect(header.csrcCount == 0)
        #expect(header.payloadType == 96)
        #expect(header.sequenceNumber == 0x1234)
        #expect(header.timestamp == 123_456)
        #expect(header.ssrc == 0xDEAD_BEEF)
        #expect(header.headerLength == 12)
        #expect(header.payloadRange == 12..<14)
        #expect(header.paddingLength == 0)
        #expect(header.extensionForm == nil)
    }

    /// A packet with every optional part: 2 CSRCs, a one-byte extension block, 3 bytes padding.
    static let fullPacket: [UInt8] = [
        0xB2, 0xEF, 0xFF, 0xFF,  // V=2 P=1 X=1 CC=2 | M=1 PT=111 | seq 65535
        0xFF, 0xFF, 0xFF, 0xFE,  // timestamp 2^32-2
        0x00, 0x00, 0x00, 0x03,  // SSRC 3
        0x11, 0x11, 0x11, 0x11,  // CSRC 1
        0x22, 0x22, 0x22, 0x22,  // CSRC 2
        0xBE, 0xDE, 0x00, 0x01,  // one-byte extension profile, 1 word
        0x10, 0xAB, 0x00, 0x00,  // id 1, L=0 (1 byte) = 0xAB, two padding bytes
        0x01, 0x02, 0x03,        // payload
        0x00, 0x00, 0x03,        // padding, last byte counts 3
    ]

    @Test("CSRCs, extension block and padding are located exactly")
    func fullHeader() throws {
        let packet = Self.fullPacket
        let header = try RTPHeader(parsing: packet)
        #expect(header.padding && header.hasExtension && header.marker)
        #expect(header.payloadType == 111)
        #expect(header.sequenceNumber == 65535)
        #expect(header.timestamp == 0xFFFF_FFFE)
        #expect(header.csrcCount == 2)
        #expect(header.extensionProfile == 0xBEDE)
        #expect(header.extensionForm == .oneByte)
        #expect(header.extensionRange == 24..<28)
        #expect(header.headerLength == 28)
        #expect(header.payloadRange == 28..<31)
        #expect(header.paddingLength == 3)
        let csrcs = withBuffer(packet) { Array(header.csrcs(in: $0)) }
        #expect(csrcs == [0x1111_1111, 0x2222_2222])
        let elements = withBuffer(packet) { Array(header.extensions(in: $0)) }
        #expect(elements == [RTPHeaderExtensionElement(id: 1, range: 25..<26)])
        #expect(packet[25] == 0xAB)
    }

    @Test("rejects short, wrong-version and overrunning headers with typed errors")
    func malformedHeaders() {
        #expect(throws: RTPError.truncated(needed: 12, have: 11)) {
            try RTPHeader(parsing: [UInt8](repeating: 0x80, count: 11))
        }
        var packet = Self.fullPacket
        packet[0] = 0x40 | (packet[0] & 0x3F)  // version 1
        #expect(throws: RTPError.badVersion(1)) { try RTPHeader(parsing: packet) }

        // CC=15 needs 72 bytes of header.
        packet = [0x8F] + Self.fullPacket.dropFirst()
        #expect(throws: RTPError.truncated(needed: 72, have: 34)) { try RTPHeader(parsing: packet) }

        // Extension length of 0x10 words runs past the packet.
        packet = Self.fullPacket
        packet[23] = 0x10
        #expect(throws: RTPError.truncated(needed: 88, have: 34)) { try RTPHeader(parsing: packet) }

        // Extension element with L=3 (4 bytes) in a 4-byte block that has room for 3.
        packet = Self.fullPacket
        packet[24] = 0x13
        #expect(throws: RTPError.badExtensionElement(offset: 24)) { try RTPHeader(parsing: packet) }
    }

    @Test("padding count must be 1...bytes after the header")
    func paddingValidation() {
        var packet = Self.fullPacket
        packet[packet.count - 1] = 0
        #expect(throws: RTPError.badPadding(count: 0, available: 6)) { try RTPHeader(parsing: packet) }
        packet[packet.count - 1] = 7
        #expect(throws: RTPError.badPadding(count: 7, available: 6)) { try RTPHeader(parsing: packet) }
        packet[packet.count - 1] = 6  // all of payload+padding is padding: allowed, empty payload
        #expect((try? RTPHeader(parsing: packet))?.payloadRange == 28..<28)
    }

    @Test("a non-RFC 8285 extension profile is located but yields no elements")
    func foreignProfile() throws {
        var packet = Self.fullPacket
        packet[20] = 0x12
        packet[21] = 0x34
        let header = try RTPHeader(parsing: packet)
        #expect(header.extensionProfile == 0x1234)
        #expect(header.extensionForm == nil)
        #expect(header.extensionRange == 24..<28)
        #expect(withBuffer(packet) { Array(header.extensions(in: $0)) }.isEmpty)
    }
}

@Suite("RTP header in-place rewrite")
struct RTPHeaderRewriteTests {
    @Test("SSRC, sequence number, timestamp, payload type and marker are rewritten in place")
    func rewriteAll() throws {
        var packet = RTPHeaderTests.fullPacket
        try withMutableBuffer(&packet) { (buffer) throws(RTPError) in
            try RTPHeader.setSSRC(0xCAFE_BABE, in: buffer)
            try RTPHeader.setSequenceNumber(7, in: buffer)
            try RTPHeader.setTimestamp(90_000, in: buffer)
            try RTPHeader.setPayloadType(100, in: buffer)
            try RTPHeader.setMarker(false, in: buffer)
        }
        let header = try RTPHeader(parsing: packet)
        #expect(header.ssrc == 0xCAFE_BABE)
        #expect(header.sequenceNumber == 7)
        #expect(header.timestamp == 90_000)
        #expect(header.payloadType == 100)
        #expect(!header.marker)
        // Everything after the fixed header is untouched.
        #expect(Array(packet[12...]) == Array(RTPHeaderTests.fullPacket[12...]))
        #expect(packet[0] == RTPHeaderTests.fullPacket[0])
        #expect(Array(packet[0..<12]) == [0xB2, 0x64, 0x00, 0x07, 0x00, 0x01, 0x5F, 0x90, 0xCA, 0xFE, 0xBA, 0xBE])
    }

    @Test("payload type keeps the marker and marker keeps the payload type")
    func bitsAreIndependent() throws {
        var packet = RTPHeaderTests.fullPacket  // M=1 PT=111
        try withMutableBuffer(&packet) { (buffer) throws(RTPError) in try RTPHeader.setPayloadType(96, in: buffer) }
        #expect(packet[1] == 0x80 | 96)
        try withMutableBuffer(&packet) { (buffer) throws(RTPError) in try RTPHeader.setMarker(false, in: buffer) }
        #expect(packet[1] == 96)
        try withMutableBuffer(&packet) { (buffer) throws(RTPError) in try RTPHeader.setMarker(true, in: buffer) }
        #expect(packet[1] == 0x80 | 96)
    }

    @Test("rewriters refuse short buffers and 8-bit payload types")
    func rewriteErrors() {
        var short = [UInt8](repeating: 0, count: 11)
        #expect(throws: RTPError.truncated(needed: 12, have: 11)) {
            try withMutableBuffer(&short) { (buffer) throws(RTPError) in try RTPHeader.setSSRC(1, in: buffer) }
        }
        var packet = RTPHeaderTests.fullPacket
        #expect(throws: RTPError.valueOutOfRange) {
            try withMutableBuffer(&packet) { (buffer) throws(RTPError) in try RTPHeader.setPayloadType(128, in: buffer) }
        }
    }
}
