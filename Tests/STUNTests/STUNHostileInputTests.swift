// Hostile input: 100k mutated and random datagrams through the parser, the integrity check
// and the demux peeks. Each must end in a typed error or a valid parse that re-encodes to an
// equal message; never a trap.

import STUN
import TestSupport
import Testing

@Suite("STUN hostile input")
struct STUNHostileInputTests {
    /// Real samples: the RFC vectors plus messages that exercise the other attribute codecs,
    /// some without FINGERPRINT so that mutations can still parse.
    static func seeds() throws -> [[UInt8]] {
        let id = STUNTransactionID(high: 0xDEAD_BEEF, low: 0x0102_0304_0506_0708)
        let key = STUNIntegrityKey.shortTerm(password: "abcdefghijklmnopqrstuv")
        let v6 = TransportAddress(ip: .v6(high: 0x2001_0DB8_0000_0000, low: 1), port: 443)
        let check = STUNMessage(type: .bindingRequest, transactionID: id, attributes: [
            .username("ufrag123:peer"), .priority(0x6E00_1EFF), .iceControlling(7), .useCandidate,
        ])
        let response = STUNMessage(type: .bindingSuccess, transactionID: id, attributes: [
            .xorMappedAddress(v6), .mappedAddress(TransportAddress(ipv4: 1, 2, 3, 4, port: 5)),
        ])
        let error = STUNMessage(type: .bindingError, transactionID: id, attributes: [
            .errorCode(.unknownAttribute), .unknownAttributes([STUNAttributeType(rawValue: 0x0031)]),
            .software("chobi"), .realm("r"), .nonce("n"),
            .other(STUNAttributeType(rawValue: 0x0031), [9, 9, 9]),
        ])
        return [
            RFC5769.request, RFC5769.ipv4Response, RFC5769.ipv6Response, RFC5769.longTermRequest,
            try check.encode(integrityKey: key, fingerprint: true),
            try check.encode(integrityKey: key),
            try check.encode(),
            try response.encode(),
            try error.encode(fingerprint: false, padding: 0x20),
        ]
    }

    /// The attributes a re-encode reproduces exactly (MESSAGE-INTEGRITY and FINGERPRINT are recomputed).
    static func significant(_ message: STUNMessage) -> [STUNAttribute] {
        message.attributes.filter { $0.type != .messageIntegrity && $0.type != .fingerprint }
    }

    @Test("100k hostile datagrams: typed error or a parse that round-trips; peeks agree with the parser")
    func hostileDatagrams() throws {
        let key = STUNIntegrityKey.shortTerm(password: RFC5769.password)
        var parsed = 0
        var rejected = 0
        var verified = 0
        for hostile in HostileInput(seeds: try Self.seeds(), count: 100_000, seed: 0x5750_4E01, maxLength: 4096) {
            let bytes = hostile.bytes
            let likely = STUNPeek.isLikelySTUN(bytes)
            let localPart = STUNPeek.usernameLocalPart(bytes)
            if let range = localPart.map({ $0.startIndex..<$0.endIndex }) {
                #expect(likely && range.lowerBound >= 20 && range.upperBound <= bytes.count,
                        "peek range out of bounds, case \(hostile.index) \(hostile.kind)")
            }
            do {
                try STUNMessageIntegrity.verify(bytes, key: key)
                verified += 1
                #expect(likely, "integrity verified on a non-STUN frame, case \(hostile.index)")
            } catch {
                // Any STUNError is an acceptable answer to garbage; typed throws guarantee the type.
            }
            let message: STUNMessage
            do {
                message = try STUNMessage.parse(bytes)
            } catch {
                rejected += 1
                continue
            }
            parsed += 1
            #expect(likely, "parsed a frame the demux peek would not route, case \(hostile.index)")
            if let username = message.username, let colon = username.utf8.firstIndex(of: UInt8(ascii: ":")),
               colon != username.utf8.startIndex {
                #expect(localPart.map(Array.init) == Array(username.utf8[..<colon]),
                        "peek and parse disagree on USERNAME, case \(hostile.index)")
            }
            let reencoded = try message.encode(integrityKey: message.messageIntegrity == nil ? nil : key,
                                               fingerprint: message.fingerprint != nil)
            let again = try STUNMessage.parse(reencoded)
            #expect(Self.significant(again) == Self.significant(message), "round trip changed case \(hostile.index) \(hostile.kind)")
            #expect(again.type == message.type && again.transactionID == message.transactionID)
            if message.messageIntegrity != nil { try STUNMessageIntegrity.verify(reencoded, key: key) }
        }
        #expect(parsed > 1_000, "the generator must produce valid parses (got \(parsed))")
        #expect(rejected > 1_000, "the generator must produce errors (got \(rejected))")
        #expect(verified > 0, "some mutations leave the authenticated part intact")
        #expect(parsed + rejected == 100_000)
    }
}
