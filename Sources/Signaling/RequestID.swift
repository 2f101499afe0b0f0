/// The optional `id` a client puts on a request; replies carry it back unchanged (same JSON
/// type) so the client can match them. Strings up to `maxLength` bytes or integers.
public enum RequestID: Sendable, Hashable, Codable, CustomStringConvertible {
    case string(String)
    case number(Int64)

    public static let maxLength = 128

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            self = .number(number)
            return
        }
        let text = try container.decode(String.self)
        guard text.utf8.count <= Self.maxLength else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "id longer than \(Self.maxLength) bytes")
        }
        self = .string(text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let text): try container.encode(text)
        case .number(let number): try container.encode(number)
        }
    }

    public var description: String {
        switch self {
        case .string(let text): text
        case .number(let number): String(number)
        }
    }
}
