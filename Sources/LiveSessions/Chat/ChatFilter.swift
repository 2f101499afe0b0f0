#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The operator's word list (`--chat-filter FILE`: one word or phrase-free token per line, `#`
/// starts a comment): a listed word in a chat line is masked with `*`, one per character, when it
/// stands as a whole word in any letter case ("Spam!" is masked, "spammer" is not).
public struct ChatFilter: Sendable, Equatable {
    private let words: Set<String>

    public static let none = ChatFilter(words: [])

    public init(words: some Sequence<String>) {
        self.words = Set(words.map { $0.lowercased() }.filter { !$0.isEmpty })
    }

    /// Reads the list; a missing or unreadable file is an error at start, not a silent no-op.
    public init(contentsOfFile path: String) throws(ChatFilterError) {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path) }
        let text = String(decoding: data, as: UTF8.self)
        let words = text.split(whereSeparator: \.isNewline).compactMap { line -> String? in
            let word = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let trimmed = word.trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty ? nil : trimmed
        }
        self.init(words: words)
    }

    public var isEmpty: Bool { words.isEmpty }

    /// The line with every listed word masked.
    public func apply(_ text: String) -> String {
        guard !words.isEmpty else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var word = ""
        func flush() {
            guard !word.isEmpty else { return }
            out += words.contains(word.lowercased()) ? String(repeating: "*", count: word.count) : word
            word = ""
        }
        for character in text {
            if character.isLetter || character.isNumber {
                word.append(character)
            } else {
                flush()
                out.append(character)
            }
        }
        flush()
        return out
    }
}

public enum ChatFilterError: Error, Equatable, CustomStringConvertible {
    case unreadable(String)

    public var description: String {
        switch self {
        case .unreadable(let path): "chat filter \(path) cannot be read"
        }
    }
}
