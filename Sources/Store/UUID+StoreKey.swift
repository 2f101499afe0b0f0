import Foundation

// Ids are stored as lowercase UUID text (what browsers' crypto.randomUUID() prints), so rows stay
// readable in the sqlite3 shell and comparable as plain strings.
extension UUID {
    /// The id as stored: 36 characters, lowercase hex. Written by hand: a gift binds a dozen ids,
    /// and `uuidString` formats through `sprintf` and then lowercases a second string.
    var storeKey: String {
        let digits: StaticString = "0123456789abcdef"
        return withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { out in
                var at = 0
                digits.withUTF8Buffer { hex in
                    for (index, byte) in bytes.enumerated() {
                        if index == 4 || index == 6 || index == 8 || index == 10 {
                            out[at] = UInt8(ascii: "-")
                            at += 1
                        }
                        out[at] = hex[Int(byte >> 4)]
                        out[at + 1] = hex[Int(byte & 0x0F)]
                        at += 2
                    }
                }
                return at
            }
        }
    }

    /// Parses a stored id; a malformed one means the row was not written by us.
    static func stored(_ text: String, column: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else {
            throw StoreError.corruptRow("\(column) is not a UUID")
        }
        return id
    }
}
