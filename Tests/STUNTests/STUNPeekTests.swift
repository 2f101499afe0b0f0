// The demux-path peeks: framing check and USERNAME local part without a parse.

import STUN
import Testing

@Suite("STUNPeek")
struct STUNPeekTests {
    @Test("RFC 5769 vectors look like STUN")
    func vectorsAreSTUN() {
        for vector in [RFC5769.request, RFC5769.ipv4Response, RFC5769.ipv6Response, RFC5769.longTermRequest] {
            #expect(STUNPeek.isLikelySTUN(vector))
        }
    }

    @Test("DTLS, RTP, short, wrong length or wrong cookie do not look like STUN")
    func notSTUN() {
        // A DTLS 1.2 handshake record header: content type 22 also has its top two bits zero,
        // so it is the magic cookie that tells it apart.
        let dtls: [UInt8] = [22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 12] + [UInt8](repeating: 1, count: 23)
        var rtp = RFC5769.request
        rtp[0] = 0x80
        var cookie = RFC5769.request
        cookie[7] ^= 1
        var length = RFC5769.request
        length[3] += 4
        var unaligned = RFC5769.request
        unaligned[3] += 1
        for bytes in [dtls, rtp, cookie, length, unaligned, Array(RFC5769.request.prefix(19)), [],
                      RFC5769.request + [0, 0, 0, 0]] {
            #expect(!STUNPeek.isLikelySTUN(bytes))
        }
    }

    @Test("USERNAME local part is the bytes before ':'")
    func localPart() throws {
        #expect(STUNPeek.usernameLocalPart(RFC5769.request).map(Array.init) == Array("evtj".utf8))
        let range = try #require(RFC5769.request.withUnsafeBytes { STUNPeek.usernameLocalPart($0) })
        #expect(range == 64..<68)  // header 20 + SOFTWARE 20 + PRIORITY 8 + ICE-CONTROLLED 12 + TLV header 4
    }

    @Test("no USERNAME, no ':' or an empty local part gives nil")
    func localPartAbsent() throws {
        let id = STUNTransactionID(high: 1, low: 2)
        #expect(STUNPeek.usernameLocalPart(RFC5769.ipv4Response) == nil)
        // The long-term vector's username has no ':'.
        #expect(STUNPeek.usernameLocalPart(RFC5769.longTermRequest) == nil)
        let empty = try STUNMessage(type: .bindingRequest, transactionID: id, attributes: [.username(":abc")]).encode()
        #expect(STUNPeek.usernameLocalPart(empty) == nil)
        let second = try STUNMessage(type: .bindingRequest, transactionID: id,
                                     attributes: [.software("x:y"), .username("ours:theirs:extra")]).encode()
        #expect(STUNPeek.usernameLocalPart(second).map(Array.init) == Array("ours".utf8))
    }
}
