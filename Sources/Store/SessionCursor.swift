import Foundation

/// Where a page of live sessions continues: the (started_at, id) of the last session shown.
/// Keyset pagination, so sessions starting or ending between pages never shift the rest.
/// Clients see it as an opaque token string (`<milliseconds>_<uuid>`).
public struct SessionCursor: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    public var startedAt: Date
    public var id: UUID

    public init(startedAt: Date, id: UUID) {
        self.startedAt = startedAt.truncatedToMilliseconds
        self.id = id
    }

    /// Longest token we accept: 19 digits, a separator, 36 UUID characters.
    static let maxTokenLength = 56

    /// Parses a token from a client; nil for anything we did not produce (never traps).
    public init?(token: String) {
        self.init(utf8: token.utf8)
    }

    /// The parser proper, on the token's UTF-8 bytes.
    init?(utf8 bytes: some Collection<UInt8>) {
        guard bytes.count <= Self.maxTokenLength else { return nil }
        let utf8 = Array(bytes)
        guard let separator = utf8.firstIndex(of: UInt8(ascii: "_")),
              separator > 0, separator <= 15,  // ms since 1970 fits in 15 digits until year 33658
              let ms = Self.decimal(utf8[..<separator]),
              let id = Self.uuid(utf8[(separator + 1)...])
        else { return nil }
        self.startedAt = Date(millisecondsSince1970: ms)
        self.id = id
    }

    private static func decimal(_ digits: ArraySlice<UInt8>) -> Int64? {
        var value: Int64 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))  // at most 15 digits: no overflow
        }
        return value
    }

    /// The canonical 8-4-4-4-12 hex form only (either case).
    private static func uuid(_ text: ArraySlice<UInt8>) -> UUID? {
        guard text.count == 36 else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(16)
        var high: UInt8?
        for (offset, byte) in text.enumerated() {
            if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard let nibble = hexValue(byte) else { return nil }
            if let h = high {
                bytes.append(h << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        guard bytes.count == 16 else { return nil }
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The token to hand to clients.
    public var token: String { "\(startedAt.millisecondsSince1970)_\(id.storeKey)" }

    public var description: String { token }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let token = try container.decode(String.self)
        guard let cursor = SessionCursor(token: token) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a session cursor")
        }
        self = cursor
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(token)
    }
}
