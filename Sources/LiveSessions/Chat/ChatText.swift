/// The rules every chat line meets, whether it comes by `chat.sendMessage` or on a data channel:
/// not blank, at most `maxCharacters` characters (as people count them: an emoji with its
/// modifiers is one), and none of the characters that hide or disguise text. Control characters
/// would break a line; bidi embeddings, overrides and isolates (U+202A-E, U+2066-9) can make a
/// line read differently from what it is (the Trojan Source trick). Everything else of Unicode,
/// emoji and joiners included, passes.
enum ChatText {
    static let maxCharacters = 500

    static func check(_ text: String) -> ChatRefusal? {
        if text.unicodeScalars.allSatisfy({ $0.properties.isWhitespace }) { return .empty }
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .control { return .forbiddenCharacter }
            switch scalar.value {
            case 0x202A...0x202E, 0x2066...0x2069: return .forbiddenCharacter
            default: continue
            }
        }
        // A line far past any 500 graphemes is refused before its graphemes are walked.
        if text.unicodeScalars.count > maxCharacters * 16 || text.count > maxCharacters { return .tooLong }
        return nil
    }
}
