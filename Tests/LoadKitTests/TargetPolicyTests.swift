#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Testing
@testable import LoadKit

/// Where the tool may send: loopback, or an address of a namespace the operator named.
struct TargetPolicyTests {
    static let ipJSON = Data("""
        [{"ifindex":1,"ifname":"lo","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8},{"family":"inet6","local":"::1"}]},
         {"ifindex":5,"ifname":"va","addr_info":[{"family":"inet","local":"10.250.3.1","prefixlen":24},{"family":"inet6","local":"fe80::1"}]}]
        """.utf8)

    @Test func loopbackIsAlwaysAllowed() throws {
        let policy = TargetPolicy()
        #expect(try policy.check(url: "http://127.0.0.1:8080") == "127.0.0.1")
        #expect(try policy.check(url: "http://localhost:9000/") == "127.0.0.1")
        #expect(try policy.check(url: "http://127.9.8.7") == "127.9.8.7")
    }

    @Test func otherAddressesAreRefused() {
        let policy = TargetPolicy()
        #expect(throws: TargetPolicy.Refusal.notAllowed(host: "10.250.3.1", namespaces: [])) {
            try policy.check(url: "http://10.250.3.1:8080")
        }
        #expect(throws: TargetPolicy.Refusal.notIPv4("example.com")) { try policy.check(url: "http://example.com") }
        #expect(throws: TargetPolicy.Refusal.notIPv4("127.1")) { try policy.check(host: "127.1") }
        #expect(throws: TargetPolicy.Refusal.notIPv4("0127.0.0.1")) { try policy.check(host: "0127.0.0.1") }
        #expect(throws: TargetPolicy.Refusal.notAURL("ftp://127.0.0.1")) { try policy.check(url: "ftp://127.0.0.1") }
        #expect(throws: TargetPolicy.Refusal.notAURL("127.0.0.1:8080")) { try policy.check(url: "127.0.0.1:8080") }
    }

    @Test func aNamedNamespaceAllowsItsOwnAddressesOnly() throws {
        let addresses = TargetPolicy.addresses(fromIPJSON: Self.ipJSON)
        #expect(addresses == ["10.250.3.1"])
        let policy = TargetPolicy(namespaceAddresses: ["chobi-a": addresses])
        #expect(try policy.check(url: "http://10.250.3.1:8080") == "10.250.3.1")
        #expect(throws: TargetPolicy.Refusal.notAllowed(host: "10.250.3.2", namespaces: ["chobi-a"])) {
            try policy.check(url: "http://10.250.3.2:8080")
        }
        #expect(TargetPolicy.addresses(fromIPJSON: Data("not json".utf8)).isEmpty)
    }

    @Test func namespaceNamesCannotEscapeTheirDirectory() {
        #expect(TargetPolicy.isNamespaceName("chobi-scen_1.x"))
        #expect(!TargetPolicy.isNamespaceName("../etc"))
        #expect(!TargetPolicy.isNamespaceName(".."))
        #expect(!TargetPolicy.isNamespaceName(""))
        #expect(!TargetPolicy.isNamespaceName("a b"))
    }
}
