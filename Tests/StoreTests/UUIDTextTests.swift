import Foundation
import Testing
@testable import Store

/// The parser takes exactly the canonical 8-4-4-4-12 form; Foundation's (through `sscanf`) is
/// laxer (it skips spaces inside), so the oracle for what is accepted is the grammar itself,
/// and Foundation's value is the oracle for what it means.
@Suite("ids as text: the store's hand-written parse and format agree with Foundation")
struct UUIDTextTests {
    @Test("random ids round-trip, in either case, and match uuidString")
    func roundTrips() {
        for _ in 0..<2_000 {
            let id = UUID()
            #expect(id.storeKey == id.uuidString.lowercased())
            #expect(UUID(hexText: id.storeKey) == id)
            #expect(UUID(hexText: id.uuidString) == id)
        }
        #expect(UUID(hexText: "00000000-0000-0000-0000-000000000000") == UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
        #expect(UUID(hexText: "FFFFFFFF-ffff-FFFF-ffff-FFFFFFFFFFFF")?.storeKey == "ffffffff-ffff-ffff-ffff-ffffffffffff")
    }

    @Test("anything but the canonical form is refused", arguments: [
        "", "0", "not-a-uuid", "00000000-0000-0000-0000-00000000000", "00000000-0000-0000-0000-0000000000000",
        "00000000_0000-0000-0000-000000000000", "0000000-00000-0000-0000-000000000000", "g0000000-0000-0000-0000-000000000000",
        "{00000000-0000-0000-0000-000000000000}", " 0000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-00000000000é",
        "0000000000000000000000000000000000000", "00000000-0000-0000-0000-000000000000\n",
    ])
    func refuses(_ text: String) {
        #expect(UUID(hexText: text) == nil)
    }

    private static func canonical(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12]
            && groups.allSatisfy { $0.allSatisfy { $0.isASCII && $0.isHexDigit } }
    }

    private static func check(_ text: String) {
        let parsed = UUID(hexText: text)
        #expect((parsed != nil) == canonical(text), "\(text)")
        if let parsed { #expect(parsed == UUID(uuidString: text), "\(text)") }
    }

    @Test("random text: accepted exactly when canonical, and then Foundation's value")
    func hostile() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789abcdefABCDEF-gx ")
        for _ in 0..<20_000 {
            let length = Int.random(in: 30...40, using: &generator)
            let text = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
            Self.check(text)
            // And one character of a real id changed: mostly still an id, sometimes not.
            var near = Array(UUID().uuidString)
            near[Int.random(in: 0..<near.count, using: &generator)] = alphabet.randomElement(using: &generator)!
            Self.check(String(near))
        }
    }
}
