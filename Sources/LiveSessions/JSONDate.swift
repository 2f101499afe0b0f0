#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ISOTimestamp
import Store

/// Times in API payloads: ISO 8601 in UTC with milliseconds, the form JavaScript's
/// `new Date(text)` reads and `toISOString()` writes. The millisecond is the store's (nearest, not
/// truncated: a Date holds a stored millisecond only approximately).
enum JSONDate {
    static func string(_ date: Date) -> String {
        ISOTimestamp.string(millisecondsSince1970: date.millisecondsSince1970)
    }
}

extension UUID {
    /// Ids in payloads and room names: lowercase, as the store keeps them.
    var apiString: String { storeKey }
}
