#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The common shape of a call's input, a flat JSON object of strings, numbers, booleans and
/// nulls (`{"sessionId":"…","giftId":"rose","count":1}`), decoded without `JSONDecoder`.
///
/// Why: `JSONDecoder`'s generic machinery was the largest part of a mutation's own work in the
/// request path (a gift answer spent more on decoding its four fields than on its JSON reply).
///
/// It is only a fast path: anything it is not sure of (an escape in a string, a nested value, a
/// duplicate key, a number an integer field cannot hold exactly, a type the decoder does not
/// handle such as `Date`) makes it give up, and the caller decodes with `JSONDecoder` as before,
/// which then also produces the exact error. So it never accepts what `JSONDecoder` would refuse,
/// and what it accepts decodes to the same value.
enum FlatJSONInput {
    /// The fast path declined; the caller falls back.
    struct Unsupported: Error {}

    enum Scalar {
        /// The bytes between the quotes (no escapes).
        case string(ArraySlice<UInt8>)
        /// The number's text, as valid JSON writes it.
        case number(ArraySlice<UInt8>)
        case bool(Bool)
        case null
    }

    /// The object's members, or nil when `bytes` is not exactly one flat object (whitespace around
    /// it allowed) that this reader is sure about. `bytes` must be valid UTF-8.
    static func parse(_ bytes: [UInt8]) -> [String: Scalar]? {
        var reader = Reader(bytes: bytes)
        return reader.object()
    }

    /// A decoder over a parsed object, for the input type's `init(from:)`. It throws `Unsupported`
    /// for whatever it leaves to `JSONDecoder`.
    static func decoder(for members: [String: Scalar]) -> any Decoder {
        ObjectDecoder(members: members)
    }

    private struct Reader {
        let bytes: [UInt8]
        var i = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func object() -> [String: Scalar]? {
            skipSpace()
            guard take(UInt8(ascii: "{")) else { return nil }
            var members: [String: Scalar] = [:]
            skipSpace()
            if take(UInt8(ascii: "}")) { return end() ? members : nil }
            while true {
                skipSpace()
                guard let key = string(), let name = String(validating: key, as: UTF8.self) else { return nil }
                skipSpace()
                guard take(UInt8(ascii: ":")) else { return nil }
                skipSpace()
                guard let value = scalar(), members.updateValue(value, forKey: name) == nil else { return nil }
                skipSpace()
                if take(UInt8(ascii: ",")) { continue }
                guard take(UInt8(ascii: "}")) else { return nil }
                return end() ? members : nil
            }
        }

        private mutating func end() -> Bool {
            skipSpace()
            return i == bytes.count
        }

        private mutating func scalar() -> Scalar? {
            guard i < bytes.count else { return nil }
            switch bytes[i] {
            case UInt8(ascii: "\""):
                return string().map { .string($0) }
            case UInt8(ascii: "t"): return literal("true") ? .bool(true) : nil
            case UInt8(ascii: "f"): return literal("false") ? .bool(false) : nil
            case UInt8(ascii: "n"): return literal("null") ? .null : nil
            default: return number().map { .number($0) }
            }
        }

        /// A string's bytes between its quotes; nil for an escape or a control character (the
        /// fallback reads those).
        private mutating func string() -> ArraySlice<UInt8>? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = i
            while i < bytes.count {
                let byte = bytes[i]
                if byte == UInt8(ascii: "\"") {
                    i += 1
                    return bytes[start..<(i - 1)]
                }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
                i += 1
            }
            return nil
        }

        /// RFC 8259's number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
        private mutating func number() -> ArraySlice<UInt8>? {
            let start = i
            _ = take(UInt8(ascii: "-"))
            if take(UInt8(ascii: "0")) {
                // no leading zeros
            } else {
                guard digits() > 0 else { return nil }
            }
            if take(UInt8(ascii: ".")) { guard digits() > 0 else { return nil } }
            if take(UInt8(ascii: "e")) || take(UInt8(ascii: "E")) {
                if !take(UInt8(ascii: "+")) { _ = take(UInt8(ascii: "-")) }
                guard digits() > 0 else { return nil }
            }
            return bytes[start..<i]
        }

        private mutating func digits() -> Int {
            let start = i
            while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") { i += 1 }
            return i - start
        }

        private mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard bytes.count - i >= count else { return false }
            let matches = word.withUTF8Buffer { w in (0..<count).allSatisfy { bytes[i + $0] == w[$0] } }
            if matches { i += count }
            return matches
        }

        private mutating func take(_ byte: UInt8) -> Bool {
            guard i < bytes.count, bytes[i] == byte else { return false }
            i += 1
            return true
        }

        private mutating func skipSpace() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        }
    }

    // MARK: decoding

    private struct ObjectDecoder: Decoder {
        let members: [String: Scalar]
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            KeyedDecodingContainer(Members<Key>(members: members))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw Unsupported() }

        /// `Optional<Input>` asks here first: an object is not nil, and is the input itself.
        func singleValueContainer() throws -> any SingleValueDecodingContainer { ObjectValue(decoder: self) }
    }

    private struct ObjectValue: SingleValueDecodingContainer {
        let decoder: ObjectDecoder
        var codingPath: [any CodingKey] { [] }

        func decodeNil() -> Bool { false }
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            guard !Scalars.isSpecial(type) else { throw Unsupported() }
            return try T(from: decoder)
        }
        func decode(_ type: Bool.Type) throws -> Bool { throw Unsupported() }
        func decode(_ type: String.Type) throws -> String { throw Unsupported() }
        func decode(_ type: Double.Type) throws -> Double { throw Unsupported() }
        func decode(_ type: Float.Type) throws -> Float { throw Unsupported() }
        func decode(_ type: Int.Type) throws -> Int { throw Unsupported() }
        func decode(_ type: Int8.Type) throws -> Int8 { throw Unsupported() }
        func decode(_ type: Int16.Type) throws -> Int16 { throw Unsupported() }
        func decode(_ type: Int32.Type) throws -> Int32 { throw Unsupported() }
        func decode(_ type: Int64.Type) throws -> Int64 { throw Unsupported() }
        func decode(_ type: UInt.Type) throws -> UInt { throw Unsupported() }
        func decode(_ type: UInt8.Type) throws -> UInt8 { throw Unsupported() }
        func decode(_ type: UInt16.Type) throws -> UInt16 { throw Unsupported() }
        func decode(_ type: UInt32.Type) throws -> UInt32 { throw Unsupported() }
        func decode(_ type: UInt64.Type) throws -> UInt64 { throw Unsupported() }
    }

    private struct Members<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let members: [String: Scalar]
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

        func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

        private func value(_ key: Key) throws -> Scalar {
            guard let value = members[key.stringValue] else { throw Unsupported() }
            return value
        }

        func decodeNil(forKey key: Key) throws -> Bool {
            if case .null = try value(key) { return true }
            return false
        }

        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try Scalars.bool(value(key)) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try Scalars.string(value(key)) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try Scalars.double(value(key)) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { throw Unsupported() }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try Scalars.integer(value(key)) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try Scalars.integer(value(key)) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try Scalars.integer(value(key)) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try Scalars.integer(value(key)) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try Scalars.integer(value(key)) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try Scalars.integer(value(key)) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try Scalars.integer(value(key)) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try Scalars.integer(value(key)) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try Scalars.integer(value(key)) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try Scalars.integer(value(key)) }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            guard !Scalars.isSpecial(type) else { throw Unsupported() }
            // A type made from one value (an enum with a raw value, a wrapper): its own init(from:)
            // asks a single-value container.
            return try T(from: ScalarDecoder(scalar: value(key)))
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
            -> KeyedDecodingContainer<NestedKey> { throw Unsupported() }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { throw Unsupported() }
        func superDecoder() throws -> any Decoder { throw Unsupported() }
        func superDecoder(forKey key: Key) throws -> any Decoder { throw Unsupported() }
    }

    private struct ScalarDecoder: Decoder, SingleValueDecodingContainer {
        let scalar: Scalar
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> { throw Unsupported() }
        func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw Unsupported() }
        func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

        func decodeNil() -> Bool {
            if case .null = scalar { return true }
            return false
        }
        func decode(_ type: Bool.Type) throws -> Bool { try Scalars.bool(scalar) }
        func decode(_ type: String.Type) throws -> String { try Scalars.string(scalar) }
        func decode(_ type: Double.Type) throws -> Double { try Scalars.double(scalar) }
        func decode(_ type: Float.Type) throws -> Float { throw Unsupported() }
        func decode(_ type: Int.Type) throws -> Int { try Scalars.integer(scalar) }
        func decode(_ type: Int8.Type) throws -> Int8 { try Scalars.integer(scalar) }
        func decode(_ type: Int16.Type) throws -> Int16 { try Scalars.integer(scalar) }
        func decode(_ type: Int32.Type) throws -> Int32 { try Scalars.integer(scalar) }
        func decode(_ type: Int64.Type) throws -> Int64 { try Scalars.integer(scalar) }
        func decode(_ type: UInt.Type) throws -> UInt { try Scalars.integer(scalar) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try Scalars.integer(scalar) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try Scalars.integer(scalar) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try Scalars.integer(scalar) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try Scalars.integer(scalar) }
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            guard !Scalars.isSpecial(type) else { throw Unsupported() }
            return try T(from: self)
        }
    }

    private enum Scalars {
        /// Types `JSONDecoder` decodes by its own rules (dates by its strategy, data as base64, URLs,
        /// decimals): left to it.
        static func isSpecial(_ type: Any.Type) -> Bool {
            type is Date.Type || type is Data.Type || type is URL.Type || type is Decimal.Type
        }

        static func bool(_ scalar: Scalar) throws -> Bool {
            guard case .bool(let value) = scalar else { throw Unsupported() }
            return value
        }

        static func string(_ scalar: Scalar) throws -> String {
            guard case .string(let bytes) = scalar else { throw Unsupported() }
            return String(decoding: bytes, as: UTF8.self)
        }

        static func double(_ scalar: Scalar) throws -> Double {
            guard case .number(let text) = scalar, let value = Double(String(decoding: text, as: UTF8.self)),
                  value.isFinite else {
                throw Unsupported()
            }
            return value
        }

        /// Plain integer text only (no fraction or exponent), exactly representable.
        static func integer<T: FixedWidthInteger>(_ scalar: Scalar) throws -> T {
            guard case .number(let text) = scalar, let first = text.first else { throw Unsupported() }
            let negative = first == UInt8(ascii: "-")
            let digits = negative ? text.dropFirst() : text[...]
            guard !digits.isEmpty else { throw Unsupported() }
            var value: T = 0
            for byte in digits {
                // A fraction or an exponent: not an integer literal.
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { throw Unsupported() }
                let digit = T(byte - UInt8(ascii: "0"))
                let (shifted, o1) = value.multipliedReportingOverflow(by: 10)
                let (next, o2) = negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
                guard !o1, !o2 else { throw Unsupported() }
                value = next
            }
            return value
        }
    }
}
