import Foundation

// Ids are stored as lowercase UUID text (what browsers' crypto.randomUUID() prints), so rows stay
// readable in the sqlite3 shell and comparable as plain strings.
extension UUID {
    var storeKey: String { uuidString.lowercased() }

    /// Parses a stored id; a malformed one means the row was not written by us.
    static func stored(_ text: String, column: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else {
            throw StoreError.corruptRow("\(column) is not a UUID")
        }
        return id
    }
}
