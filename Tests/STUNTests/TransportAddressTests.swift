// TransportAddress text forms and byte forms.

import STUN
import Testing

@Suite("TransportAddress")
struct TransportAddressTests {
    @Test("IPv4 and IPv6 descriptions", arguments: [
        ("127.0.0.1:5000", "127.0.0.1:5000"),
        ("[::1]:5000", "[::1]:5000"),
        ("[2001:0db8:0000:0000:0000:0000:0000:0001]:1", "[2001:db8::1]:1"),
        ("[2001:db8:0:1:1:1:1:1]:2", "[2001:db8:0:1:1:1:1:1]:2"),     // a single zero group is not compressed
        ("[2001:0:0:1:0:0:0:1]:3", "[2001:0:0:1::1]:3"),               // the longest run wins
        ("[1:0:0:2:0:0:3:4]:4", "[1::2:0:0:3:4]:4"),                   // the first of equal runs wins
        ("[::]:0", "[::]:0"),
        ("[::ffff:192.0.2.1]:80", "[::ffff:192.0.2.1]:80"),
        ("[::ffff:c000:201]:80", "[::ffff:192.0.2.1]:80"),
        ("255.255.255.255:65535", "255.255.255.255:65535"),
    ])
    func descriptions(input: String, expected: String) throws {
        let address = try #require(TransportAddress(input))
        #expect(address.description == expected)
        #expect(TransportAddress(expected) == address)
    }

    @Test("malformed text is rejected", arguments: [
        "127.0.0.1", "127.0.0.1:", "127.0.0.1:70000", "256.0.0.1:1", "1.2.3:4", "[::1]", "[::1:5",
        "[1::2::3]:4", "[12345::]:1", "[1:2:3:4:5:6:7:8:9]:1", "[:::]:1", "a.b.c.d:1", "", "[]:1",
    ])
    func rejects(input: String) {
        #expect(TransportAddress(input) == nil)
    }

    @Test("address bytes round-trip and pick the family by length")
    func bytes() throws {
        let v4 = TransportAddress(ipv4: 192, 0, 2, 1, port: 32853)
        #expect(v4.addressBytes == [192, 0, 2, 1])
        #expect(TransportAddress(addressBytes: v4.addressBytes, port: 32853) == v4)
        let v6 = try #require(TransportAddress("[2001:db8:1234:5678:11:2233:4455:6677]:9"))
        #expect(v6.addressBytes == [0x20, 0x01, 0x0D, 0xB8, 0x12, 0x34, 0x56, 0x78,
                                    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77])
        #expect(TransportAddress(addressBytes: v6.addressBytes, port: 9) == v6)
        #expect(TransportAddress(addressBytes: [1, 2, 3], port: 1) == nil)
        #expect(v4.isIPv4 && !v6.isIPv4)
    }

    @Test("equal addresses hash equal; port and family distinguish")
    func hashing() {
        let set: Set<TransportAddress> = [
            TransportAddress(ipv4: 127, 0, 0, 1, port: 1), TransportAddress(ipv4: 127, 0, 0, 1, port: 1),
            TransportAddress(ipv4: 127, 0, 0, 1, port: 2), TransportAddress(ip: .v6(high: 0, low: 0x7F00_0001), port: 1),
        ]
        #expect(set.count == 3)
    }
}
