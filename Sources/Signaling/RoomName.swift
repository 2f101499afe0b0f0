/// The rule for room names: they travel in URL paths (`/whip/{room}`) and token claims, so they
/// are limited to characters that need no escaping anywhere.
public enum RoomName {
    /// Longest room name accepted.
    public static let maxLength = 128

    /// 1...128 characters of `A-Z a-z 0-9 . _ ~ -` (RFC 3986 unreserved).
    public static func isValid(_ name: String) -> Bool {
        let bytes = name.utf8
        guard !bytes.isEmpty, bytes.count <= maxLength else { return false }
        return bytes.allSatisfy(isUnreserved)
    }

    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}
