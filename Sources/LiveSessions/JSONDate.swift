#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Store

/// Times in API payloads: ISO 8601 in UTC with milliseconds, the form JavaScript's
/// `new Date(text)` reads and `toISOString()` writes.
enum JSONDate {
    static func string(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}

extension UUID {
    /// Ids in payloads and room names: lowercase, as the store keeps them.
    var apiString: String { storeKey }
}
