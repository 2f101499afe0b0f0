/// Turns a decoding failure into the BAD_REQUEST a client can act on: the field path from
/// `input` and what was wrong (`input.title: expected string`, `input.username: required`).
enum InputFailureMessage {
    /// Longest key name echoed back; keys come from the client and can be 60 KiB long.
    static let maxKeyLength = 64
    /// Deepest path echoed back.
    static let maxPathComponents = 16

    static func error(for error: any Error, droppingFirst drop: Int, inputAbsent: Bool) -> TRPCError {
        if let error = error as? TRPCError { return error }
        if let error = error as? any TRPCErrorConvertible { return error.trpcError }
        guard let decodingError = error as? DecodingError else {
            return .badRequest("input: invalid value")
        }
        switch decodingError {
        case .keyNotFound(let key, let context):
            let path = render(context.codingPath.dropFirst(drop) + [key])
            return .badRequest("\(path): required")
        case .valueNotFound(let type, let context):
            let path = context.codingPath.dropFirst(drop)
            if inputAbsent && path.isEmpty { return .badRequest("input: required") }
            return .badRequest("\(render(path)): expected \(jsonTypeName(type)), got null")
        case .typeMismatch(let type, let context):
            let path = context.codingPath.dropFirst(drop)
            if inputAbsent && path.isEmpty { return .badRequest("input: required") }
            return .badRequest("\(render(path)): expected \(jsonTypeName(type))")
        case .dataCorrupted(let context):
            return .badRequest("\(render(context.codingPath.dropFirst(drop))): invalid value")
        @unknown default:
            return .badRequest("input: invalid value")
        }
    }

    /// `input`, then `.name` for object keys and `[3]` for array positions.
    static func render(_ path: some Collection<any CodingKey>) -> String {
        var text = "input"
        for key in path.prefix(maxPathComponents) {
            // JSONDecoder names array positions "Index <n>"; object keys have no intValue
            // unless they are batch indices, which were dropped already.
            if let index = key.intValue, key.stringValue.hasPrefix("Index ") {
                text += "[\(index)]"
            } else {
                let name = key.stringValue
                text += "." + (name.count > maxKeyLength ? String(name.prefix(maxKeyLength)) + "…" : name)
            }
        }
        if path.count > maxPathComponents { text += "…" }
        return text
    }

    /// The JSON type a Swift type reads from, in the words of a JSON schema.
    static func jsonTypeName(_ type: Any.Type) -> String {
        if type == String.self || type == Substring.self || type == Character.self { return "string" }
        if type == Bool.self { return "boolean" }
        if type is any BinaryInteger.Type { return "integer" }
        if type is any BinaryFloatingPoint.Type { return "number" }
        let name = String(describing: type)
        if name.hasPrefix("Dictionary<") || name.hasPrefix("[String : ") || name.hasPrefix("KeyedDecodingContainer") { return "object" }
        if name.hasPrefix("Array<") || name.hasPrefix("[") || name.contains("UnkeyedDecodingContainer") { return "array" }
        return "a valid value"
    }
}
