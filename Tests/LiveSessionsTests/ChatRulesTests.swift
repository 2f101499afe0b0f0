#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Testing
@testable import LiveSessions

@Suite("chat rules: text, filter, combos")
struct ChatRulesTests {
    @Test("Unicode and emoji pass; blank, over 500 characters, control characters and bidi overrides do not")
    func text() {
        #expect(ChatText.check("héllo 👋🏽 👩‍👩‍👧‍👦 🇯🇵 مرحبا 你好") == nil)
        #expect(ChatText.check(String(repeating: "👩‍👩‍👧‍👦", count: 500)) == nil, "500 characters as people count them")
        #expect(ChatText.check(String(repeating: "a", count: 501)) == .tooLong)
        #expect(ChatText.check(String(repeating: "\u{301}", count: 9_000)) == .tooLong, "combining marks in bulk")
        #expect(ChatText.check(" \t ") == .empty)
        #expect(ChatText.check("") == .empty)
        #expect(ChatText.check("two\nlines") == .forbiddenCharacter)
        #expect(ChatText.check("bell\u{7}") == .forbiddenCharacter)
        #expect(ChatText.check("c1 \u{85}") == .forbiddenCharacter)
        for scalar in [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069] {
            #expect(ChatText.check("x\(Character(Unicode.Scalar(scalar)!))y") == .forbiddenCharacter, "U+\(String(scalar, radix: 16))")
        }
        #expect(ChatText.check("mark \u{200F} ok") == nil, "a right-to-left mark is not an override")
    }

    @Test("listed words are masked as whole words in any case; the rest of the line stays")
    func filter() {
        let filter = ChatFilter(words: ["spam", "Darn"])
        #expect(filter.apply("SPAM! spammer, darn it; spam") == "****! spammer, **** it; ****")
        #expect(filter.apply("no match here 👋") == "no match here 👋")
        #expect(ChatFilter.none.apply("spam") == "spam")
    }

    @Test("the filter file: one word a line, # comments, blank lines; a missing file is an error")
    func filterFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("filter-\(UUID().uuidString).txt").path
        try "# operator list\nspam  # trailing comment\n\n  Scam\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let filter = try ChatFilter(contentsOfFile: path)
        #expect(filter.apply("spam scam operator") == "**** **** operator")
        #expect(throws: ChatFilterError.unreadable("/nonexistent/filter")) { try ChatFilter(contentsOfFile: "/nonexistent/filter") }
    }

    @Test("a combo is the same gift from the same sender within 3 s of the last")
    func combos() {
        var combos = GiftCombos()
        let key = GiftCombos.Key(session: UUID(), sender: UUID(), gift: "rose")
        let other = GiftCombos.Key(session: key.session, sender: key.sender, gift: "heart")
        let t0 = Date(timeIntervalSince1970: 1_000)
        #expect(combos.record(key, at: t0) == 1)
        #expect(combos.record(key, at: t0.addingTimeInterval(2.9)) == 2)
        #expect(combos.record(other, at: t0.addingTimeInterval(3)) == 1, "another gift has its own streak")
        #expect(combos.record(key, at: t0.addingTimeInterval(5.8)) == 3, "within 3 s of the last, not the first")
        #expect(combos.record(key, at: t0.addingTimeInterval(9)) == 1, "a pause over 3 s starts again")
    }
}
