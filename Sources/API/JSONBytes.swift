/// JSON text written straight into bytes, for the few payloads on the hottest paths (a gift's
/// answer, a chat line, a gift animation): `JSONEncoder` builds a tree through the generic
/// `Encoder` machinery and costs tens of microseconds per small object, most of a gift's budget
/// beyond the store.
///
/// The output is the very bytes `JSONEncoder` makes with `[.sortedKeys, .withoutEscapingSlashes]`
/// (the API's encoder), so a payload can take either path and clients cannot tell: callers write
/// fields in sorted order, and nil optionals are left out as synthesized `Encodable` does. Tests
/// hold each fast payload to its `Encodable` twin byte for byte.
public struct JSONBytes: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 512) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Punctuation and keys known to be valid JSON as they stand.
    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// A string literal, escaped as `JSONEncoder` escapes: quote, backslash and the control
    /// characters (`\b \f \n \r \t`, the rest as `\u00XX`); everything else as its UTF-8.
    public mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                start = index + 1
                switch byte {
                case UInt8(ascii: "\""): raw("\\\"")
                case UInt8(ascii: "\\"): raw("\\\\")
                case 0x08: raw("\\b")
                case 0x0C: raw("\\f")
                case UInt8(ascii: "\n"): raw("\\n")
                case UInt8(ascii: "\r"): raw("\\r")
                case UInt8(ascii: "\t"): raw("\\t")
                default:
                    raw("\\u00")
                    bytes.append(Self.hex[Int(byte >> 4)])
                    bytes.append(Self.hex[Int(byte & 0xF)])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    public mutating func integer(_ value: some BinaryInteger) {
        digits(negative: value < 0, magnitude: UInt64(value.magnitude))
    }

    // Int and Int64 (nearly every number in a payload) without the generic path: a generic
    // function of another module runs unspecialized, through witness tables.
    public mutating func integer(_ value: Int64) {
        digits(negative: value < 0, magnitude: value.magnitude)
    }

    public mutating func integer(_ value: Int) {
        digits(negative: value < 0, magnitude: UInt64(value.magnitude))
    }

    private mutating func digits(negative: Bool, magnitude: UInt64) {
        guard magnitude != 0 else {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        if negative { bytes.append(UInt8(ascii: "-")) }
        // Digits of the magnitude, least significant first, then reversed in place; a UInt64
        // holds the magnitude of every Int64 including its minimum.
        var magnitude = magnitude
        let start = bytes.count
        while magnitude > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        }
        bytes[start...].reverse()
    }

    public mutating func bool(_ value: Bool) {
        value ? raw("true") : raw("false")
    }

    /// `{…}` with `body` writing the fields (in sorted key order).
    public mutating func object(_ body: (inout Object) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        var object = Object(out: self)
        // The buffer moves into the writer and back, so appends never copy it.
        self = JSONBytes(capacity: 0)
        body(&object)
        self = object.out
        bytes.append(UInt8(ascii: "}"))
    }

    /// An object's fields, with the commas between them.
    public struct Object {
        var out: JSONBytes
        var first = true

        /// `key` must be a plain JSON key (letters and digits); it is written as it stands.
        public mutating func key(_ key: StaticString) {
            if first { first = false } else { out.bytes.append(UInt8(ascii: ",")) }
            out.bytes.append(UInt8(ascii: "\""))
            out.raw(key)
            out.bytes.append(UInt8(ascii: "\""))
            out.bytes.append(UInt8(ascii: ":"))
        }

        public mutating func field(_ key: StaticString, _ value: String) {
            self.key(key)
            out.string(value)
        }

        /// Left out when nil, as synthesized `Encodable` leaves out a nil optional.
        public mutating func field(_ key: StaticString, _ value: String?) {
            guard let value else { return }
            field(key, value)
        }

        public mutating func field(_ key: StaticString, _ value: some BinaryInteger) {
            self.key(key)
            out.integer(value)
        }

        public mutating func field(_ key: StaticString, _ value: (some BinaryInteger)?) {
            guard let value else { return }
            field(key, value)
        }

        public mutating func field(_ key: StaticString, _ value: Int) {
            self.key(key)
            out.integer(value)
        }

        public mutating func field(_ key: StaticString, _ value: Int64) {
            self.key(key)
            out.integer(value)
        }

        public mutating func field(_ key: StaticString, _ value: Int?) {
            guard let value else { return }
            field(key, value)
        }

        public mutating func field(_ key: StaticString, _ value: Int64?) {
            guard let value else { return }
            field(key, value)
        }

        public mutating func field(_ key: StaticString, _ value: Bool) {
            self.key(key)
            out.bool(value)
        }

        public mutating func field(_ key: StaticString, _ value: some JSONBytesEncodable) {
            self.key(key)
            value.writeJSON(to: &out)
        }

        public mutating func field(_ key: StaticString, object body: (inout Object) -> Void) {
            self.key(key)
            out.object(body)
        }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)
}

/// A payload with a hand-written JSON form (see `JSONBytes`) beside its `Encodable` one, which
/// must say the same.
public protocol JSONBytesEncodable: Encodable {
    func writeJSON(to out: inout JSONBytes)
}
