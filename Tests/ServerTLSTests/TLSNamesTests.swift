import ServerTLS
import Testing

@Suite struct TLSNamesTests {
    @Test func listsSplitIntoDNSNamesAndAddresses() throws {
        let names = try TLSNames(parsing: " Chobi.Example , 10.77.0.1,[fd00::7],localhost ")
        #expect(names.dnsNames == ["chobi.example", "localhost"])
        #expect(names.ipAddresses == [[10, 77, 0, 1], [0xfd, 0] + Array(repeating: 0, count: 13) + [7]])
    }

    @Test func loopbackNamesTheThreeWaysToReachThisMachine() {
        let names = TLSNames.loopback
        #expect(names.dnsNames == ["localhost"])
        #expect(names.ipAddresses == [[127, 0, 0, 1], Array(repeating: 0, count: 15) + [1]])
    }

    @Test(arguments: ["bad name", "-lead.example", "a..b", "exa_mple.com", "é.example"])
    func malformedNamesAreRefused(_ text: String) {
        #expect(throws: TLSNameError.invalid(text)) { try TLSNames(parsing: text) }
    }

    @Test func unspecifiedAndEmptyAreRefused() {
        #expect(throws: TLSNameError.unspecifiedAddress("0.0.0.0")) { try TLSNames(parsing: "0.0.0.0") }
        #expect(throws: TLSNameError.unspecifiedAddress("::")) { try TLSNames(parsing: "::") }
        #expect(throws: TLSNameError.empty) { try TLSNames(parsing: " , ") }
    }

    @Test func subsetComparesBothKinds() throws {
        let big = try TLSNames(parsing: "localhost,127.0.0.1,10.0.0.1")
        #expect(try TLSNames(parsing: "127.0.0.1,localhost").isSubset(of: big))
        #expect(!(try TLSNames(parsing: "10.0.0.2")).isSubset(of: big))
        #expect(!(try TLSNames(parsing: "other")).isSubset(of: big))
    }
}
