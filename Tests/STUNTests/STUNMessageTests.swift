// Message framing, attribute codecs and the parse errors a peer can provoke.

import STUN
import Testing

@Suite("STUN message codec")
struct STUNMessageTests {
    let id = STUNTransactionID(high: 0x0102_0304, low: 0x0506_0708_090A_0B0C)

    /// A 20-byte header followed by `body`, with the length field set to body.count.
    func datagram(type: UInt16 = 0x0001, body: [UInt8]) -> [UInt8] {
        [UInt8(type >> 8), UInt8(type & 0xFF), UInt8(body.count >> 8), UInt8(body.count & 0xFF),
         0x21, 0x12, 0xA4, 0x42] + id.bytes + body
    }

    @Test("message type field interleaves class bits C0 (bit 4) and C1 (bit 8) with the method")
    func messageTypeBits() {
        #expect(STUNMessageType.bindingRequest.wireValue == 0x0001)
        #expect(STUNMessageType.bindingIndication.wireValue == 0x0011)
        #expect(STUNMessageType.bindingSuccess.wireValue == 0x0101)
        #expect(STUNMessageType.bindingError.wireValue == 0x0111)
        // Allocate (TURN, method 0x003) error response is 0x0113; a high method spreads its bits.
        #expect(STUNMessageType(.errorResponse, STUNMethod(rawValue: 0x003)).wireValue == 0x0113)
        #expect(STUNMessageType(.request, STUNMethod(rawValue: 0xFFF)).wireValue == 0x3EEF)
        for raw in UInt16(0)...0x3FFF {
            #expect(STUNMessageType(wireValue: raw).wireValue == raw)
        }
    }

    @Test("every attribute kind survives encode then parse")
    func attributeRoundTrip() throws {
        let v6 = try #require(TransportAddress("[2001:db8::1]:3478"))
        let message = STUNMessage(type: .bindingError, transactionID: id, attributes: [
            .username("abcd:efgh"), .software("chobi"), .realm("example.org"), .nonce("n0nce"),
            .xorMappedAddress(TransportAddress(ipv4: 10, 0, 0, 1, port: 1234)), .xorMappedAddress(v6),
            .mappedAddress(TransportAddress(ipv4: 192, 168, 1, 2, port: 9)), .mappedAddress(v6),
            .priority(0x6E7F_1EFF), .useCandidate, .iceControlling(0x1122_3344_5566_7788),
            .iceControlled(42), .errorCode(.roleConflict), .unknownAttributes([STUNAttributeType(rawValue: 0x7777)]),
            .other(STUNAttributeType(rawValue: 0xC057), [1, 2, 3]),
        ])
        let bytes = try message.encode()
        #expect(bytes.count % 4 == 0)
        #expect(try STUNMessage.parse(bytes) == message)
    }

    @Test("ERROR-CODE 401 is written as class 4, number 1, then the reason")
    func errorCodeLayout() throws {
        let message = STUNMessage(type: .bindingError, transactionID: id, attributes: [.errorCode(.unauthorized)])
        let bytes = try message.encode()
        #expect(Array(bytes[20..<28]) == [0x00, 0x09, 0x00, 16, 0, 0, 4, 1])
        #expect(Array(bytes[28..<40]) == Array("Unauthorized".utf8))
        #expect(try STUNMessage.parse(bytes).errorCode == .unauthorized)
    }

    @Test("ERROR-CODE with class outside 3-6 or number above 99 is malformed")
    func errorCodeRange() {
        #expect(throws: STUNError.malformedAttribute(type: 0x0009)) {
            try STUNMessage.parse(datagram(body: [0x00, 0x09, 0x00, 0x04, 0, 0, 2, 0]))
        }
        #expect(throws: STUNError.malformedAttribute(type: 0x0009)) {
            try STUNMessage.parse(datagram(body: [0x00, 0x09, 0x00, 0x04, 0, 0, 4, 100]))
        }
        #expect(STUNErrorCode(code: 700, reason: "x") == nil)
    }

    @Test("padding makes each attribute 4-byte aligned and the padding value is ignored on parse")
    func padding() throws {
        let message = STUNMessage(type: .bindingRequest, transactionID: id, attributes: [.username("abcde")])
        let zeros = try message.encode(padding: 0)
        let spaces = try message.encode(padding: 0x20)
        #expect(zeros.count == 20 + 4 + 8)
        #expect(Array(zeros[29...31]) == [0, 0, 0])
        #expect(Array(spaces[29...31]) == [0x20, 0x20, 0x20])
        #expect(try STUNMessage.parse(zeros) == STUNMessage.parse(spaces))
    }

    @Test("unknown comprehension-required attributes are kept raw and reported; optional ones are not reported")
    func unknownAttributes() throws {
        let body: [UInt8] = [0x7F, 0x01, 0x00, 0x02, 0xAA, 0xBB, 0, 0,   // required, unknown
                             0xC0, 0x57, 0x00, 0x04, 1, 2, 3, 4,          // optional, unknown
                             0x7F, 0x01, 0x00, 0x00]                      // same type again
        let message = try STUNMessage.parse(datagram(body: body))
        #expect(message.attributes.first == .other(STUNAttributeType(rawValue: 0x7F01), [0xAA, 0xBB]))
        #expect(message.unknownComprehensionRequired == [STUNAttributeType(rawValue: 0x7F01)])
    }

    @Test("attributes after MESSAGE-INTEGRITY are ignored, except FINGERPRINT")
    func attributesAfterIntegrity() throws {
        let key = STUNIntegrityKey.shortTerm(password: "0123456789012345678901")
        var bytes = try STUNMessage(type: .bindingRequest, transactionID: id, attributes: [.username("a:b")])
            .encode(integrityKey: key)
        // Append PRIORITY after MESSAGE-INTEGRITY and fix the header length.
        bytes += [0x00, 0x24, 0x00, 0x04, 0, 0, 0, 7]
        bytes[3] = UInt8(bytes.count - 20)
        let message = try STUNMessage.parse(bytes)
        #expect(message.attributes.map(\.type) == [.username, .messageIntegrity])
        #expect(message.priority == nil)
        // The MAC covers only what precedes it, so it still verifies.
        try STUNMessageIntegrity.verify(bytes, key: key)
    }

    @Test("an attribute after FINGERPRINT is an error")
    func attributeAfterFingerprint() throws {
        var bytes = try STUNMessage(type: .bindingRequest, transactionID: id, attributes: [.useCandidate])
            .encode(fingerprint: true)
        bytes += [0x00, 0x25, 0x00, 0x00]
        bytes[3] = UInt8(bytes.count - 20)
        #expect(throws: STUNError.attributeAfterFingerprint) { try STUNMessage.parse(bytes) }
    }

    @Test("MESSAGE-INTEGRITY followed by FINGERPRINT: the MAC is computed with the length ending at MESSAGE-INTEGRITY")
    func integrityThenFingerprint() throws {
        let key = STUNIntegrityKey.shortTerm(password: "0123456789012345678901")
        let message = STUNMessage(type: .bindingRequest, transactionID: id, attributes: [.username("a:b"), .priority(1)])
        let withFingerprint = try message.encode(integrityKey: key, fingerprint: true)
        let without = try message.encode(integrityKey: key, fingerprint: false)
        #expect(withFingerprint.count == without.count + 8)
        // Same MAC bytes in both: FINGERPRINT does not change what MESSAGE-INTEGRITY covers.
        #expect(Array(withFingerprint[(without.count - 20)..<without.count]) == Array(without[(without.count - 20)...]))
        try STUNMessageIntegrity.verify(withFingerprint, key: key)
        try STUNMessageIntegrity.verify(without, key: key)
    }

    @Test("verifying integrity of a message without MESSAGE-INTEGRITY says it is missing")
    func integrityMissing() throws {
        let bytes = try STUNMessage(type: .bindingRequest, transactionID: id, attributes: [.username("a:b")]).encode()
        #expect(throws: STUNError.integrityMissing) {
            try STUNMessageIntegrity.verify(bytes, key: .shortTerm(password: "x"))
        }
    }

    @Test("framing errors are typed")
    func framingErrors() {
        #expect(throws: STUNError.tooShort(count: 19)) { try STUNMessage.parse([UInt8](repeating: 0, count: 19)) }
        var rtpLike = datagram(body: [])
        rtpLike[0] = 0x80
        #expect(throws: STUNError.notSTUN) { try STUNMessage.parse(rtpLike) }
        var badCookie = datagram(body: [])
        badCookie[4] = 0x22
        #expect(throws: STUNError.badMagicCookie) { try STUNMessage.parse(badCookie) }
        var unaligned = datagram(body: [0, 0, 0, 0])
        unaligned[3] = 3
        #expect(throws: STUNError.unalignedLength(3)) { try STUNMessage.parse(unaligned) }
        var long = datagram(body: [0x80, 0x22, 0, 0])
        long[3] = 8
        #expect(throws: STUNError.lengthMismatch(declared: 8, actual: 4)) { try STUNMessage.parse(long) }
    }

    @Test("an attribute length running past the message is an overrun, never a read past the end")
    func attributeOverrun() {
        #expect(throws: STUNError.attributeOverrun(type: 0x0006)) {
            try STUNMessage.parse(datagram(body: [0x00, 0x06, 0xFF, 0xF0, 0x61, 0x62, 0x63, 0x64]))
        }
        // Value fits but its padding does not.
        #expect(throws: STUNError.attributeOverrun(type: 0x0006)) {
            try STUNMessage.parse(datagram(body: [0x00, 0x06, 0x00, 0x05, 0x61, 0x62, 0x63, 0x64]))
        }
    }

    @Test("fixed-size attributes with the wrong size are malformed")
    func wrongSizes() {
        let cases: [(UInt16, [UInt8])] = [
            (0x0024, [0x00, 0x24, 0x00, 0x03, 1, 2, 3, 0]),                  // PRIORITY, 3 bytes
            (0x0025, [0x00, 0x25, 0x00, 0x01, 1, 0, 0, 0]),                  // USE-CANDIDATE, 1 byte
            (0x802A, [0x80, 0x2A, 0x00, 0x04, 1, 2, 3, 4]),                  // ICE-CONTROLLING, 4 bytes
            (0x0008, [0x00, 0x08, 0x00, 0x04, 1, 2, 3, 4]),                  // MESSAGE-INTEGRITY, 4 bytes
            (0x0020, [0x00, 0x20, 0x00, 0x08, 0, 2, 0, 1, 1, 2, 3, 4]),      // XOR-MAPPED, IPv6 family, 8 bytes
            (0x0020, [0x00, 0x20, 0x00, 0x08, 0, 3, 0, 1, 1, 2, 3, 4]),      // unknown family
            (0x000A, [0x00, 0x0A, 0x00, 0x03, 1, 2, 3, 0]),                  // UNKNOWN-ATTRIBUTES, odd
        ]
        for (type, body) in cases {
            #expect(throws: STUNError.malformedAttribute(type: type)) { try STUNMessage.parse(datagram(body: body)) }
        }
    }

    @Test("text attributes must be UTF-8 and within the RFC's size limits")
    func textRules() throws {
        #expect(throws: STUNError.invalidText(type: 0x0006)) {
            try STUNMessage.parse(datagram(body: [0x00, 0x06, 0x00, 0x02, 0xC3, 0x28, 0, 0]))
        }
        let tooLong = STUNMessage(type: .bindingRequest, transactionID: id,
                                  attributes: [.username(String(repeating: "u", count: 513))])
        #expect(throws: STUNError.invalidText(type: 0x0006)) { try STUNMessage.parse(tooLong.encode()) }
        let longest = STUNMessage(type: .bindingRequest, transactionID: id,
                                  attributes: [.username(String(repeating: "u", count: 512))])
        #expect(try STUNMessage.parse(longest.encode()) == longest)
    }

    @Test("a message that would not fit the 16-bit length is refused when encoding")
    func tooLargeToEncode() {
        let message = STUNMessage(type: .bindingRequest, transactionID: id,
                                  attributes: [.other(STUNAttributeType(rawValue: 0x8123), [UInt8](repeating: 0, count: 40_000)),
                                               .other(STUNAttributeType(rawValue: 0x8123), [UInt8](repeating: 0, count: 40_000))])
        #expect(throws: STUNError.messageTooLarge) { try message.encode() }
    }

    @Test("encoding into a reused buffer gives the same bytes as a fresh encode")
    func encodeIntoReusedBuffer() throws {
        let key = STUNIntegrityKey.shortTerm(password: "0123456789012345678901")
        let long = STUNMessage(type: .bindingRequest, transactionID: id, attributes: [.software(String(repeating: "s", count: 200))])
        let short = STUNMessage(type: .bindingSuccess, transactionID: id, attributes: [.xorMappedAddress(TransportAddress(ipv4: 1, 2, 3, 4, port: 5))])
        var buffer: [UInt8] = []
        try long.encode(into: &buffer, integrityKey: key, fingerprint: true)
        #expect(buffer == (try long.encode(integrityKey: key, fingerprint: true)))
        try short.encode(into: &buffer, integrityKey: key, fingerprint: true)
        #expect(buffer == (try short.encode(integrityKey: key, fingerprint: true)))
        #expect(try STUNMessage.parse(buffer).xorMappedAddress == TransportAddress(ipv4: 1, 2, 3, 4, port: 5))
    }

    @Test("an integrity key never shows its bytes in descriptions or dumps")
    func keyIsRedacted() {
        let key = STUNIntegrityKey.shortTerm(password: "hunter2hunter2hunter2hunter2")
        var dumped = ""
        dump(key, to: &dumped)
        #expect("\(key)" == "STUNIntegrityKey(28 bytes)")
        #expect(!dumped.contains("104"))  // 'h' as a byte value
    }

    @Test("CRC-32 is the IEEE one (check value of \"123456789\")")
    func crc32CheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
        // Chaining equals one pass.
        let whole = Array("hello, stun".utf8)
        #expect(CRC32.update(CRC32.checksum(whole[0..<5]), whole[5...]) == CRC32.checksum(whole))
    }

    @Test("transaction ids round-trip through bytes and random ones differ")
    func transactionIDs() {
        #expect(STUNTransactionID(bytes: id.bytes) == id)
        #expect(STUNTransactionID(bytes: [1, 2, 3]) == nil)
        #expect(id.description == "0102030405060708090a0b0c")
        var rng = SystemRandomNumberGenerator()
        #expect(STUNTransactionID.random(using: &rng) != STUNTransactionID.random(using: &rng))
    }
}
