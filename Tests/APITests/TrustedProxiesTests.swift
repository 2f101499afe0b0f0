import Testing
@testable import API

@Suite("trusted proxies: X-Forwarded-For names the client only when a trusted proxy says so")
struct TrustedProxiesTests {
    let proxies = try! TrustedProxies(parsing: "10.0.0.0/8, 192.0.2.7 ,2001:db8::/32")

    @Test("addresses and networks, IPv4, IPv6 and IPv4-mapped")
    func membership() {
        #expect(proxies.contains("10.1.2.3"))
        #expect(proxies.contains("192.0.2.7"))
        #expect(!proxies.contains("192.0.2.8"))
        #expect(proxies.contains("2001:db8:ffff::1"))
        #expect(!proxies.contains("2001:db9::1"))
        #expect(proxies.contains("::ffff:10.9.9.9"), "a dual-stack socket's IPv4 peer")
        #expect(!proxies.contains("unknown"))
        #expect(!proxies.contains(""))
        #expect(TrustedProxies.none.isEmpty)
        #expect(!TrustedProxies.none.contains("10.0.0.1"))
    }

    @Test("bad lists are refused whole", arguments: ["10.0.0.0/33", "10.0.0", "proxy.example", "::1/129", "1.2.3.4/x"])
    func refused(_ list: String) {
        #expect(throws: TrustedProxiesError.self) { try TrustedProxies(parsing: list) }
    }

    @Test("the right-most untrusted entry is the client; from an untrusted peer the header counts for nothing")
    func chain() {
        func client(_ peer: String?, _ header: String) -> String {
            ClientAddressSource.client(peer: peer, forwardedFor: header.split(separator: ","), trusting: proxies)
        }
        #expect(client("10.0.0.5", "198.51.100.1") == "198.51.100.1")
        #expect(client("10.0.0.5", "198.51.100.1, 203.0.113.9") == "203.0.113.9", "the last hop before our proxy")
        #expect(client("10.0.0.5", "198.51.100.1, 10.2.2.2") == "198.51.100.1", "a second trusted proxy is skipped")
        #expect(client("203.0.113.50", "198.51.100.1") == "203.0.113.50", "untrusted peer: its own claim is ignored")
        #expect(client("10.0.0.5", "") == "10.0.0.5")
        #expect(client("10.0.0.5", "not-an-address, 198.51.100.1") == "198.51.100.1")
        #expect(client("10.0.0.5", "198.51.100.1, garbage") == "10.0.0.5", "a broken chain stops at the proxy")
        #expect(client(nil, "198.51.100.1") == "unknown")
    }
}
