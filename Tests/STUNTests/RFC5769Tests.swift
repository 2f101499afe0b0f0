// RFC 5769 test vectors: each sample parses to the RFC's parameters, authenticates, and is
// rebuilt byte for byte from the parsed model.

import STUN
import Testing

@Suite("RFC 5769 test vectors")
struct RFC5769Tests {
    let shortTermKey = STUNIntegrityKey.shortTerm(password: RFC5769.password)

    @Test("2.1 sample request parses to its parameters and authenticates")
    func sampleRequestParses() throws {
        let message = try STUNMessage.parse(RFC5769.request)
        #expect(message.type == .bindingRequest)
        #expect(message.transactionID == STUNTransactionID(bytes: RFC5769.transactionID))
        #expect(message.attributes.map(\.type) == [.software, .priority, .iceControlled, .username,
                                                    .messageIntegrity, .fingerprint])
        #expect(message.attributes.first == .software("STUN test client"))
        #expect(message.priority == 0x6E00_01FF)
        #expect(message.iceControlled == 0x932F_F9B1_5126_3B36)
        #expect(message.username == "evtj:h6vY")
        #expect(message.fingerprint == 0xE57A_3BCF)
        #expect(message.unknownComprehensionRequired.isEmpty)
        try STUNMessageIntegrity.verify(RFC5769.request, key: shortTermKey)
    }

    @Test("2.1 sample request is rebuilt byte-exact (padding 0x20 as in the RFC)")
    func sampleRequestRebuilds() throws {
        let message = try STUNMessage.parse(RFC5769.request)
        let rebuilt = try message.encode(integrityKey: shortTermKey, fingerprint: true, padding: 0x20)
        #expect(rebuilt == RFC5769.request)
    }

    @Test("2.2 IPv4 response: XOR-MAPPED-ADDRESS 192.0.2.1:32853, integrity, byte-exact rebuild")
    func ipv4Response() throws {
        let message = try STUNMessage.parse(RFC5769.ipv4Response)
        #expect(message.type == .bindingSuccess)
        #expect(message.transactionID == STUNTransactionID(bytes: RFC5769.transactionID))
        #expect(message.attributes.first == .software("test vector"))
        #expect(message.xorMappedAddress == TransportAddress(ipv4: 192, 0, 2, 1, port: 32853))
        #expect(message.fingerprint == 0xC07D_4C96)
        try STUNMessageIntegrity.verify(RFC5769.ipv4Response, key: shortTermKey)
        let rebuilt = try message.encode(integrityKey: shortTermKey, fingerprint: true, padding: 0x20)
        #expect(rebuilt == RFC5769.ipv4Response)
    }

    @Test("2.3 IPv6 response: XOR-MAPPED-ADDRESS [2001:db8:1234:5678:11:2233:4455:6677]:32853, byte-exact rebuild")
    func ipv6Response() throws {
        let message = try STUNMessage.parse(RFC5769.ipv6Response)
        #expect(message.type == .bindingSuccess)
        let expected = try #require(TransportAddress("[2001:db8:1234:5678:11:2233:4455:6677]:32853"))
        #expect(message.xorMappedAddress == expected)
        #expect(message.xorMappedAddress?.description == "[2001:db8:1234:5678:11:2233:4455:6677]:32853")
        try STUNMessageIntegrity.verify(RFC5769.ipv6Response, key: shortTermKey)
        let rebuilt = try message.encode(integrityKey: shortTermKey, fingerprint: true, padding: 0x20)
        #expect(rebuilt == RFC5769.ipv6Response)
    }

    @Test("2.4 long-term request: key is MD5(username:realm:password), byte-exact rebuild with zero padding")
    func longTermRequest() throws {
        let message = try STUNMessage.parse(RFC5769.longTermRequest)
        #expect(message.type == .bindingRequest)
        #expect(message.transactionID == STUNTransactionID(bytes: RFC5769.longTermTransactionID))
        #expect(message.attributes.map(\.type) == [.username, .nonce, .realm, .messageIntegrity])
        #expect(message.username == RFC5769.longTermUsername)
        #expect(message.attributes.contains(.nonce(RFC5769.nonce)))
        #expect(message.attributes.contains(.realm(RFC5769.realm)))
        #expect(message.fingerprint == nil)
        let key = STUNIntegrityKey.longTerm(username: RFC5769.longTermUsername, realm: RFC5769.realm,
                                            password: RFC5769.longTermPassword)
        #expect(key.bytes.count == 16)
        try STUNMessageIntegrity.verify(RFC5769.longTermRequest, key: key)
        let rebuilt = try message.encode(integrityKey: key, fingerprint: false, padding: 0x00)
        #expect(rebuilt == RFC5769.longTermRequest)
    }

    @Test("the long-term key is not the short-term one: the password alone does not verify 2.4")
    func longTermNeedsDerivedKey() {
        #expect(throws: STUNError.integrityMismatch) {
            try STUNMessageIntegrity.verify(RFC5769.longTermRequest,
                                            key: .shortTerm(password: RFC5769.longTermPassword))
        }
    }

    @Test("a wrong password fails integrity on every short-term vector")
    func wrongPassword() {
        let wrong = STUNIntegrityKey.shortTerm(password: "VOkJxbRl1RmTxUk/WvJxBu")
        for vector in [RFC5769.request, RFC5769.ipv4Response, RFC5769.ipv6Response] {
            #expect(throws: STUNError.integrityMismatch) { try STUNMessageIntegrity.verify(vector, key: wrong) }
        }
    }

    @Test("tampering with an authenticated byte fails integrity (fingerprint refreshed to isolate it)")
    func tamperedBodyFailsIntegrity() throws {
        var tampered = RFC5769.request
        tampered[31] ^= 0x01  // SOFTWARE "STUN test client" becomes "STUN tert client"
        // Refresh FINGERPRINT so the message still parses: integrity alone must catch it.
        let crc = CRC32.checksum(tampered[0..<(tampered.count - 8)]) ^ 0x5354_554E
        tampered.replaceSubrange((tampered.count - 4)..., with: [UInt8(crc >> 24), UInt8((crc >> 16) & 0xFF),
                                                                  UInt8((crc >> 8) & 0xFF), UInt8(crc & 0xFF)])
        let parsed = try STUNMessage.parse(tampered)
        #expect(parsed.attributes.first == .software("STUN tert client"))
        #expect(throws: STUNError.integrityMismatch) { try STUNMessageIntegrity.verify(tampered, key: shortTermKey) }
    }

    @Test("tampering with the long-term vector (no fingerprint) fails integrity")
    func tamperedLongTerm() throws {
        var tampered = RFC5769.longTermRequest
        tampered[54] ^= 0x20  // NONCE "f//499k9..." becomes "f//499K9..."
        let parsed = try STUNMessage.parse(tampered)
        #expect(parsed.attributes.contains(.nonce("f//499K954d6OL34oL9FSTvy64sA")))
        let key = STUNIntegrityKey.longTerm(username: RFC5769.longTermUsername, realm: RFC5769.realm,
                                            password: RFC5769.longTermPassword)
        #expect(throws: STUNError.integrityMismatch) { try STUNMessageIntegrity.verify(tampered, key: key) }
    }

    @Test("a wrong FINGERPRINT makes the datagram unparseable")
    func wrongFingerprint() {
        for vector in [RFC5769.request, RFC5769.ipv4Response, RFC5769.ipv6Response] {
            var bad = vector
            bad[bad.count - 1] ^= 0x80
            #expect(throws: STUNError.fingerprintMismatch) { try STUNMessage.parse(bad) }
        }
    }

    @Test("a changed byte anywhere before FINGERPRINT is caught by it")
    func fingerprintCoversBody() {
        var bad = RFC5769.ipv4Response
        bad[40] ^= 0x01  // inside XOR-MAPPED-ADDRESS
        #expect(throws: STUNError.fingerprintMismatch) { try STUNMessage.parse(bad) }
    }
}
