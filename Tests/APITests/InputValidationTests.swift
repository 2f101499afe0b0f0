import API
import Testing

@Suite struct InputValidationTests {
    @Test func lengthCountsCharactersNotBytes() throws {
        try InputValidation.length("👩‍👩‍👧ab", field: "name", in: 1...3)
        #expect(throws: TRPCError.badRequest("input.name: must be 1-3 characters")) {
            try InputValidation.length("abcd", field: "name", in: 1...3)
        }
        #expect(throws: TRPCError.badRequest("input.password: must be 8-72 bytes")) {
            try InputValidation.byteLength("ééééééééééééééééééééééééééééééééééééé", field: "password", in: 8...72)
        }
    }

    @Test func nonEmptyRefusesBlankText() throws {
        try InputValidation.nonEmpty(" x ", field: "title")
        #expect(throws: TRPCError.badRequest("input.title: must not be empty")) {
            try InputValidation.nonEmpty(" \n\t", field: "title")
        }
    }

    @Test func rangeAndCount() throws {
        try InputValidation.range(50, field: "limit", in: 1...100)
        #expect(throws: TRPCError.badRequest("input.limit: must be between 1 and 100")) {
            try InputValidation.range(101, field: "limit", in: 1...100)
        }
        #expect(throws: TRPCError.self) { try InputValidation.count([1, 2, 3], field: "tags", in: 0...2) }
    }

    @Test func usernameCharacters() throws {
        let allowed: (Character) -> Bool = { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        try InputValidation.characters("ana_99", field: "username", allowed: allowed, description: "letters, digits and _")
        #expect(throws: TRPCError.badRequest("input.username: may contain only letters, digits and _")) {
            try InputValidation.characters("ana 99", field: "username", allowed: allowed, description: "letters, digits and _")
        }
    }

    @Test(arguments: [
        ("https://cdn.chobi.live/a.png", true), ("http://x.y", true), ("javascript:alert(1)", false),
        ("https://", false), ("https:///path", false), ("ftp://x.y", false), ("https://a b.c", false),
    ])
    func webURLs(url: String, valid: Bool) {
        let accepted = (try? InputValidation.webURL(url, field: "avatarUrl")) != nil
        #expect(accepted == valid)
    }
}
