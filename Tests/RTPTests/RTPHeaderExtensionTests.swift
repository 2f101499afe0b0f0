import Testing
@testable import RTP

@Suite("RTP header extensions (RFC 8285)")
struct RTPHeaderExtensionTests {
    /// Fixed header with X=1: PT 96, seq 1, ts 0, SSRC 0x01020304.
    static let fixed: [UInt8] = [0x90, 0x60, 0x00, 0x01, 0, 0, 0, 0, 0x01, 0x02, 0x03, 0x04]

    func elements(_ packet: [UInt8]) throws -> [(id: UInt8, value: [UInt8])] {
        let header = try RTPHeader(parsing: packet)
        return withBuffer(packet) { buffer in
            header.extensions(in: buffer).map { ($0.id, packet.bytes(in: $0.range)) }
        }
    }

    @Test("RFC 8285 §4.2 one-byte example: three elements with padding between")
    func oneByteExample() throws {
        let packet = Self.fixed + [
            0xBE, 0xDE, 0x00, 0x03,  // profile 0xBEDE, 3 words
            0x10, 0xAA,              // id 1, L=0: 1 byte
            0x21, 0xBB,              // id 2, L=1: 2 bytes ...
            0xBB, 0x00, 0x00,        // ... second byte, then two padding bytes
            0x33,                    // id 3, L=3: 4 bytes
            0xCC, 0xCC, 0xCC, 0xCC,
        ]
        let found = try elements(packet)
        #expect(found.map(\.id) == [1, 2, 3])
        #expect(found.map(\.value) == [[0xAA], [0xBB, 0xBB], [0xCC, 0xCC, 0xCC, 0xCC]])
        let header = try RTPHeader(parsing: packet)
        #expect(withBuffer(packet) { header.extensionValueRange(id: 3, in: $0) } == 24..<28)
        #expect(withBuffer(packet) { header.extensionValueRange(id: 4, in: $0) } == nil)
    }

    @Test("RFC 8285 §4.3 two-byte example: zero-length element and padding")
    func twoByteExample() throws {
        let packet = Self.fixed + [
            0x10, 0x00, 0x00, 0x03,  // profile 0x1000, 3 words
            0x01, 0x00,              // id 1, length 0
            0x02, 0x01, 0xBB,        // id 2, length 1
            0x00,                    // padding
            0x03, 0x04,              // id 3, length 4
            0xCC, 0xCC, 0xCC, 0xCC,
        ]
        #expect(try RTPHeader(parsing: packet).extensionForm == .twoByte)
        let found = try elements(packet)
        #expect(found.map(\.id) == [1, 2, 3])
        #expect(found.map(\.value) == [[], [0xBB], [0xCC, 0xCC, 0xCC, 0xCC]])
    }

    @Test("two-byte form accepts the appbits nibble")
    func twoByteAppBits() throws {
        let packet = Self.fixed + [0x10, 0x0F, 0x00, 0x01, 0x07, 0x01, 0x55, 0x00]
        #expect(try elements(packet).map(\.id) == [7])
    }

    @Test("one-byte id 15 stops processing; later elements are ignored")
    func reservedID15() throws {
        let packet = Self.fixed + [0xBE, 0xDE, 0x00, 0x02, 0x10, 0xAA, 0xF3, 0x00, 0x20, 0xBB, 0x00, 0x00]
        #expect(try elements(packet).map(\.id) == [1])
    }

    @Test("writer packs elements, pads to 32 bits and writes the block header")
    func writerOneByte() throws {
        var out = [UInt8](repeating: 0xEE, count: 16)
        let length = try withMutableBuffer(&out) { (buffer) throws(RTPError) -> Int in
            var writer = try RTPHeaderExtensionWriter(form: .oneByte, buffer: buffer, at: 0)
            try writer.append(id: 1, value: [0xAA])
            try writer.append(id: 2, value: [0xBB, 0xBB])
            try writer.append(id: 3, value: [0xCC, 0xCC, 0xCC, 0xCC])
            return try writer.finish()
        }
        #expect(length == 16)
        #expect(out == [
            0xBE, 0xDE, 0x00, 0x03,                    // profile, 3 words
            0x10, 0xAA, 0x21, 0xBB, 0xBB, 0x33, 0xCC,  // id1 L0, id2 L1, id3 L3 ...
            0xCC, 0xCC, 0xCC, 0x00, 0x00,              // ... and two zero padding bytes
        ])
    }

    @Test("writer two-byte form carries empty values and large ids")
    func writerTwoByte() throws {
        var out = [UInt8](repeating: 0xEE, count: 12)
        let length = try withMutableBuffer(&out) { (buffer) throws(RTPError) -> Int in
            var writer = try RTPHeaderExtensionWriter(form: .twoByte, buffer: buffer, at: 0)
            try writer.append(id: 200, value: [])
            try writer.append(id: 1, value: [0x01, 0x02, 0x03])
            return try writer.finish()
        }
        #expect(length == 12)
        #expect(out == [0x10, 0x00, 0x00, 0x02, 0xC8, 0x00, 0x01, 0x03, 0x01, 0x02, 0x03, 0x00])
    }

    @Test("writer rejects what the form cannot carry and buffers that are too small")
    func writerErrors() throws {
        var out = [UInt8](repeating: 0, count: 8)
        try withMutableBuffer(&out) { (buffer) throws(RTPError) in
            var writer = try RTPHeaderExtensionWriter(form: .oneByte, buffer: buffer, at: 0)
            #expect(throws: RTPError.badExtensionID(15)) { try writer.append(id: 15, value: [1]) }
            #expect(throws: RTPError.badExtensionID(0)) { try writer.append(id: 0, value: [1]) }
            #expect(throws: RTPError.badExtensionID(2)) { try writer.append(id: 2, value: []) }
            #expect(throws: RTPError.bufferTooSmall(needed: 9, have: 8)) { try writer.append(id: 2, value: [1, 2, 3, 4]) }
            #expect(throws: RTPError.bufferTooSmall(needed: 10, have: 8)) {
                var twoByte = try RTPHeaderExtensionWriter(form: .twoByte, buffer: buffer, at: 4)
                try twoByte.append(id: 1, value: [])
            }
        }
        #expect(RTPHeaderExtensionForm.fitting([RTPHeaderExtension(id: 3, value: [1])]) == .oneByte)
        #expect(RTPHeaderExtensionForm.fitting([RTPHeaderExtension(id: 3, value: Array(repeating: 1, count: 17))]) == .twoByte)
        #expect(RTPHeaderExtensionForm.fitting([RTPHeaderExtension(id: 15, value: [1])]) == .twoByte)
    }
}

@Suite("Typed header-extension values")
struct HeaderExtensionValueTests {
    @Test("abs-send-time is 6.18 fixed point seconds and wraps at 64 s")
    func absSendTime() throws {
        let value = AbsSendTime(.seconds(4) + .milliseconds(500))
        #expect(value.rawValue == 0x12_0000)  // 4 << 18 | 0.5 × 2^18
        #expect(value.encoded == [0x12, 0x00, 0x00])
        #expect(try AbsSendTime(parsing: [0x12, 0x00, 0x00]).duration == .milliseconds(4500))
        #expect(AbsSendTime(.seconds(65)).rawValue == 1 << 18)
        let quarterTick = try AbsSendTime(parsing: [0x00, 0x00, 0x01]).duration
        #expect(quarterTick == Duration(secondsComponent: 0, attosecondsComponent: 3_814_697_265_625))
        #expect(throws: RTPError.badExtensionLength(expected: 3, have: 2)) { try AbsSendTime(parsing: [1, 2]) }
    }

    @Test("transport-wide sequence number reads, writes and is rewritten in place")
    func transportSequenceNumber() throws {
        let builder = RTPPacketBuilder(payloadType: 96, ssrc: 1, extensions: [
            RTPHeaderExtension(id: 1, value: AbsSendTime(rawValue: 0xABCDEF).encoded),
            RTPHeaderExtension(id: 3, value: TransportSequenceNumber(0x1234).encoded),
        ])
        var packet = try builder.build(payload: [9, 9])
        let header = try RTPHeader(parsing: packet)
        let range = try #require(withBuffer(packet) { header.extensionValueRange(id: 3, in: $0) })
        #expect(try withBuffer(packet) { (buffer) throws(RTPError) in
            try TransportSequenceNumber(from: header, id: 3, in: buffer)
        } == TransportSequenceNumber(0x1234))
        try withMutableBuffer(&packet) { (buffer) throws(RTPError) in
            try TransportSequenceNumber.rewrite(0xFEDC, in: buffer, at: range)
        }
        #expect(packet.bytes(in: range) == [0xFE, 0xDC])
        #expect(try withBuffer(packet) { (buffer) throws(RTPError) in
            try AbsSendTime(from: header, id: 1, in: buffer)
        }?.rawValue == 0xABCDEF)
        #expect(throws: RTPError.badExtensionLength(expected: 2, have: 3)) {
            try withMutableBuffer(&packet) { (buffer) throws(RTPError) in
                try TransportSequenceNumber.rewrite(1, in: buffer, at: 0..<3)
            }
        }
        let packetLength = packet.count
        #expect(throws: RTPError.truncated(needed: 200, have: packetLength)) {
            try withMutableBuffer(&packet) { (buffer) throws(RTPError) in
                try TransportSequenceNumber.rewrite(1, in: buffer, at: 198..<200)
            }
        }
    }

    @Test("audio level: V flag and 7-bit level")
    func audioLevel() throws {
        let level = try AudioLevel(parsing: [0xAA])
        #expect(level.voiceActivity)
        #expect(level.level == 0x2A)
        #expect(AudioLevel(voiceActivity: false, level: 127).encoded == [0x7F])
        #expect(AudioLevel(voiceActivity: true, level: 200).encoded == [0xFF])  // clamped to 127
        #expect(throws: RTPError.badExtensionLength(expected: 1, have: 0)) { try AudioLevel(parsing: []) }
    }

    @Test("mid / rid: trailing zeros dropped, non-token bytes rejected, allocation-free match")
    func streamIdentifier() throws {
        #expect(try StreamIdentifier(parsing: Array("hi".utf8) + [0, 0]).value == "hi")
        #expect(throws: RTPError.badExtensionLength(expected: 1, have: 0)) { try StreamIdentifier(parsing: [0]) }
        #expect(throws: RTPError.badPayload("stream identifier is not printable ASCII")) {
            try StreamIdentifier(parsing: [0x61, 0x20, 0x62])
        }
        let rid = StreamIdentifier("q")
        #expect(withBuffer([0x71, 0x00]) { rid.matches($0) })
        #expect(!withBuffer([0x68]) { rid.matches($0) })
        #expect(rid.encoded == [0x71])
    }
}

@Suite("RTPPacketBuilder")
struct RTPPacketBuilderTests {
    @Test("writes header, CSRCs, extension block, payload and padding byte-exact")
    func byteExact() throws {
        let builder = RTPPacketBuilder(payloadType: 96, sequenceNumber: 1, timestamp: 2, ssrc: 3, marker: true,
                                       csrcs: [0x1111_1111], extensions: [RTPHeaderExtension(id: 1, value: [0xAB])],
                                       paddingLength: 4)
        let packet = try builder.build(payload: [1, 2, 3])
        #expect(packet == [
            0xB1, 0xE0, 0x00, 0x01,  // V=2 P=1 X=1 CC=1 | M=1 PT=96 | seq 1
            0x00, 0x00, 0x00, 0x02,  // timestamp 2
            0x00, 0x00, 0x00, 0x03,  // SSRC 3
            0x11, 0x11, 0x11, 0x11,  // CSRC
            0xBE, 0xDE, 0x00, 0x01,  // one-byte extensions, 1 word
            0x10, 0xAB, 0x00, 0x00,  // id 1 = 0xAB, padding
            0x01, 0x02, 0x03,        // payload
            0x00, 0x00, 0x00, 0x04,  // 4 bytes RTP padding
        ])
        let header = try RTPHeader(parsing: packet)
        #expect(packet.bytes(in: header.payloadRange) == [1, 2, 3])
        #expect(header.paddingLength == 4)
    }

    @Test("write refuses a buffer that is too small and too many CSRCs")
    func errors() {
        let builder = RTPPacketBuilder(payloadType: 96, ssrc: 3)
        var small = [UInt8](repeating: 0, count: 13)
        #expect(throws: RTPError.bufferTooSmall(needed: 14, have: 13)) {
            try withMutableBuffer(&small) { (out) throws(RTPError) in
                try withBuffer([1, 2]) { (payload) throws(RTPError) in try builder.write(payload: payload, into: out) }
            }
        }
        var many = builder
        many.csrcs = Array(repeating: 1, count: 16)
        #expect(throws: RTPError.valueOutOfRange) { try many.build(payload: []) }
    }
}
