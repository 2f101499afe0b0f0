import Foundation

// Stored times are integer milliseconds since 1970: sortable, exact, and the same in every language
// that reads the file.
extension Date {
    // Nearest, not down: a Date made from milliseconds holds them only approximately (Foundation
    // keeps seconds since 2001 in a Double), and must convert back to the same integer.
    /// Also what the API and room messages send as a time (`sentAt`): the same integer everywhere.
    public var millisecondsSince1970: Int64 {
        Int64((timeIntervalSince1970 * 1000).rounded())
    }

    init(millisecondsSince1970 ms: Int64) {
        self.init(timeIntervalSince1970: Double(ms) / 1000)
    }

    /// This date at the precision the store keeps, so values we return equal values read back.
    var truncatedToMilliseconds: Date {
        Date(millisecondsSince1970: millisecondsSince1970)
    }
}
