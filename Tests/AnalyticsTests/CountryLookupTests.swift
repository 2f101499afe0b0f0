import Foundation
import Testing
@testable import API
@testable import Analytics

/// Lookups in Debian's geoip-database files on this machine (tools/lib/common.sh installs them):
/// reads of a local file, no network. Addresses whose country is certain in that data.
@Suite("country from the client address: GeoIP files, private ranges, trusted proxies")
struct CountryLookupTests {
    static let resolver = CountryResolver()

    @Test("the Debian databases open")
    func opens() {
        #expect(Self.resolver.problems.isEmpty, "\(Self.resolver.problems)")
        #expect(Self.resolver.isEnabled)
    }

    @Test("public addresses resolve to their country",
          arguments: [("8.8.8.8", "US"), ("81.2.69.160", "GB"), ("133.11.0.1", "JP"), ("193.0.6.139", "NL"),
                      ("2001:4860:4860::8888", "US"), ("2001:200::1", "JP"), ("::ffff:81.2.69.160", "GB")])
    func known(_ address: String, _ country: String) {
        #expect(Self.resolver.country(of: address) == country)
    }

    @Test("loopback, private, shared, link-local and documentation addresses have no country",
          arguments: ["127.0.0.1", "10.1.2.3", "172.16.5.4", "192.168.1.1", "100.64.0.1", "169.254.1.1", "192.0.2.7",
                      "203.0.113.5", "0.0.0.0", "::1", "::", "fe80::1", "fd00::1", "2001:db8::1", "ff02::1"])
    func nonRoutable(_ address: String) {
        #expect(IPAddress(address)?.isGloballyRoutable == false)
        #expect(Self.resolver.country(of: address) == nil)
    }

    @Test("text that is no address has no country", arguments: ["unknown", "", "example.com", "8.8.8", "1.2.3.4.5",
                                                                 "8.8.8.8 ", String(repeating: "1", count: 100)])
    func notAnAddress(_ text: String) {
        #expect(Self.resolver.country(of: text) == nil)
    }

    @Test("a missing file degrades to unknown and says why once")
    func missingFile() throws {
        let resolver = CountryResolver(ipv4Path: "/nonexistent/GeoIP.dat", ipv6Path: "/nonexistent/GeoIPv6.dat")
        #expect(resolver.problems.count == 2)
        #expect(resolver.problems.first?.contains("/nonexistent/GeoIP.dat") == true)
        #expect(resolver.country(of: "8.8.8.8") == nil)
        #expect(!resolver.isEnabled)
        // A file that is not a GeoIP database, and the IPv6 file given for IPv4.
        let junk = FileManager.default.temporaryDirectory.appendingPathComponent("not-geoip-\(UUID().uuidString).dat")
        try Data(repeating: 0x5A, count: 4096).write(to: junk)
        defer { try? FileManager.default.removeItem(at: junk) }
        let wrong = CountryResolver(ipv4Path: junk.path, ipv6Path: CountryResolver.defaultIPv4Path)
        #expect(wrong.problems.count == 2, "\(wrong.problems)")
        #expect(wrong.country(of: "8.8.8.8") == nil && wrong.country(of: "2001:200::1") == nil)
    }

    @Test("X-Forwarded-For counts only from a trusted proxy")
    func forwardedFor() throws {
        let proxies = try TrustedProxies(parsing: "127.0.0.1")
        func country(peer: String, header: String, trusting: TrustedProxies) -> String? {
            let client = ClientAddressSource.client(peer: peer, forwardedFor: header.split(separator: ","),
                                                    trusting: trusting)
            return Self.resolver.country(of: client)
        }
        #expect(country(peer: "127.0.0.1", header: "81.2.69.160", trusting: proxies) == "GB")
        #expect(country(peer: "127.0.0.1", header: "8.8.8.8, 133.11.0.1", trusting: proxies) == "JP",
                "the address our proxy saw, not what the client claimed before it")
        #expect(country(peer: "127.0.0.1", header: "81.2.69.160", trusting: .none) == nil,
                "untrusted: the loopback peer itself, which has no country")
        #expect(country(peer: "8.8.8.8", header: "81.2.69.160", trusting: proxies) == "US",
                "a peer that is no proxy: its own address, the header ignored")
    }

    @Test("lookups from many tasks at once agree (no shared lookup state)")
    func concurrent() async {
        let addresses = ["8.8.8.8", "81.2.69.160", "133.11.0.1", "2001:200::1"]
        let expected = addresses.map { Self.resolver.country(of: $0) }
        let agreed = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    (0..<2000).allSatisfy { i in Self.resolver.country(of: addresses[i % 4]) == expected[i % 4] }
                }
            }
            return await group.reduce(true) { $0 && $1 }
        }
        #expect(agreed)
    }
}
