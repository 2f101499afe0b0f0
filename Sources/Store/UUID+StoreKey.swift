import Foundation

// Ids are stored as lowercase UUID text (what browsers' crypto.randomUUID() prints), so rows stay
// readable in the sqlite3 shell and comparable as plain strings.
extension UUID {
    /// The id as stored (and as the API writes it): 36 characters, lowercase hex. Written by
    /// hand: a gift binds a dozen ids, and `uuidString` formats through `sprintf` and then
    /// lowercases a second string.
    public var storeKey: String {
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
        guard let id = UUID(hexText: text) else {
            throw StoreError.corruptRow("\(column) is not a UUID")
        }
        return id
    }

    /// `UUID(uuidString:)`'s grammar (8-4-4-4-12 hex digits, either case), parsed by hand:
    /// Foundation's goes through `sscanf`, and every request parses a few ids.
    public init?(hexText text: String) {
        var text = text
        let parsed: uuid_t? = text.withUTF8 { utf8 -> uuid_t? in
            guard utf8.count == 36 else { return nil }
            var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            let ok = withUnsafeMutableBytes(of: &bytes) { out -> Bool in
                var at = 0
                for index in 0..<16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        guard utf8[at] == UInt8(ascii: "-") else { return false }
                        at += 1
                    }
                    guard let high = Self.nibble(utf8[at]), let low = Self.nibble(utf8[at + 1]) else { return false }
                    out[index] = high << 4 | low
                    at += 2
                }
                return true
            }
            return ok ? bytes : nil
        }
        guard let parsed else { return nil }
        self.init(uuid: parsed)
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
