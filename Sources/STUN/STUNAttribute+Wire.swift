// Attribute values to and from their wire form (RFC 8489 §14, RFC 8445 §16.1).

extension STUNAttribute {
    /// RFC 5389 §15.3: USERNAME is less than 513 bytes (RFC 8489 tightened it to 509; the
    /// older, looser bound keeps us interoperable with both).
    static let maximumUsernameLength = 512
    /// REALM, NONCE, SOFTWARE and the ERROR-CODE reason: less than 763 bytes.
    static let maximumTextLength = 762

    static let familyIPv4: UInt8 = 0x01
    static let familyIPv6: UInt8 = 0x02

    /// Decodes one attribute; `bytes` is the whole message (XOR addresses need its header).
    static func decode(_ span: RawAttributeSpan, in bytes: CheckedBytes) throws(STUNError) -> STUNAttribute {
        let type = STUNAttributeType(rawValue: span.type)
        guard let value = bytes.slice(span.valueOffset, length: span.length) else {
            throw .attributeOverrun(type: span.type)
        }
        let field = CheckedBytes(base: value)
        func exactly(_ length: Int) throws(STUNError) {
            guard span.length == length else { throw .malformedAttribute(type: span.type) }
        }
        switch type {
        case .username:
            return .username(try text(value, type: span.type, limit: maximumUsernameLength))
        case .software:
            return .software(try text(value, type: span.type, limit: maximumTextLength))
        case .realm:
            return .realm(try text(value, type: span.type, limit: maximumTextLength))
        case .nonce:
            return .nonce(try text(value, type: span.type, limit: maximumTextLength))
        case .messageIntegrity:
            try exactly(STUNWire.integrityLength)
            return .messageIntegrity(Array(value))
        case .fingerprint:
            try exactly(4)
            guard let crc = field.u32(0) else { throw .malformedAttribute(type: span.type) }
            return .fingerprint(crc)
        case .priority:
            try exactly(4)
            guard let priority = field.u32(0) else { throw .malformedAttribute(type: span.type) }
            return .priority(priority)
        case .useCandidate:
            try exactly(0)
            return .useCandidate
        case .iceControlling, .iceControlled:
            try exactly(8)
            guard let tieBreaker = field.u64(0) else { throw .malformedAttribute(type: span.type) }
            return type == .iceControlling ? .iceControlling(tieBreaker) : .iceControlled(tieBreaker)
        case .mappedAddress:
            return .mappedAddress(try address(field, type: span.type, xorWith: nil))
        case .xorMappedAddress:
            return .xorMappedAddress(try address(field, type: span.type, xorWith: bytes))
        case .errorCode:
            guard span.length >= 4, let classByte = field.u8(2), let number = field.u8(3),
                  let reasonBytes = field.slice(4, length: span.length - 4) else {
                throw .malformedAttribute(type: span.type)
            }
            let errorClass = Int(classByte & 0x07)
            guard (3...6).contains(errorClass), number < 100,
                  let code = STUNErrorCode(code: errorClass * 100 + Int(number),
                                           reason: try text(reasonBytes, type: span.type, limit: maximumTextLength)) else {
                throw .malformedAttribute(type: span.type)
            }
            return .errorCode(code)
        case .unknownAttributes:
            guard span.length % 2 == 0 else { throw .malformedAttribute(type: span.type) }
            var types: [STUNAttributeType] = []
            types.reserveCapacity(span.length / 2)
            var offset = 0
            while let raw = field.u16(offset) {
                types.append(STUNAttributeType(rawValue: raw))
                offset += 2
            }
            return .unknownAttributes(types)
        default:
            return .other(type, Array(value))
        }
    }

    private static func text(_ value: UnsafeRawBufferPointer, type: UInt16, limit: Int) throws(STUNError) -> String {
        guard value.count <= limit, let string = String(validating: value, as: UTF8.self) else {
            throw .invalidText(type: type)
        }
        return string
    }

    /// MAPPED-ADDRESS and XOR-MAPPED-ADDRESS share a layout: reserved byte, family, port,
    /// address. XOR uses the magic cookie for the port and IPv4, cookie + transaction id for IPv6.
    private static func address(_ field: CheckedBytes, type: UInt16, xorWith message: CheckedBytes?) throws(STUNError) -> TransportAddress {
        guard let family = field.u8(1), let rawPort = field.u16(2) else { throw .malformedAttribute(type: type) }
        let port = message == nil ? rawPort : rawPort ^ UInt16(STUNWire.magicCookie >> 16)
        switch family {
        case familyIPv4:
            guard field.count == 8, let raw = field.u32(4) else { throw .malformedAttribute(type: type) }
            let ip = message == nil ? raw : raw ^ STUNWire.magicCookie
            return TransportAddress(ip: .v4(ip), port: port)
        case familyIPv6:
            guard field.count == 20, let rawHigh = field.u64(4), let rawLow = field.u64(12) else {
                throw .malformedAttribute(type: type)
            }
            guard let message else { return TransportAddress(ip: .v6(high: rawHigh, low: rawLow), port: port) }
            // Bytes 4..<20 of the header: magic cookie then transaction id.
            guard let maskHigh = message.u64(4), let maskLow = message.u64(12) else { throw .malformedAttribute(type: type) }
            return TransportAddress(ip: .v6(high: rawHigh ^ maskHigh, low: rawLow ^ maskLow), port: port)
        default:
            throw .malformedAttribute(type: type)
        }
    }

    // MARK: - Encoding

    /// Appends this attribute (header, value, padding) to `out`, a message whose first 20
    /// bytes are its header (XOR addresses read the transaction id from there).
    func append(to out: inout [UInt8], padding: UInt8) throws(STUNError) {
        let start = out.count
        out.append(contentsOf: [UInt8(type.rawValue >> 8), UInt8(truncatingIfNeeded: type.rawValue), 0, 0])
        switch self {
        case .username(let text), .software(let text), .realm(let text), .nonce(let text):
            out.append(contentsOf: text.utf8)
        case .messageIntegrity(let mac):
            out.append(contentsOf: mac)
        case .fingerprint(let value), .priority(let value):
            out.appendBigEndian(value)
        case .useCandidate:
            break
        case .iceControlling(let value), .iceControlled(let value):
            out.appendBigEndian(value)
        case .mappedAddress(let address):
            Self.appendAddress(address, to: &out, xor: false)
        case .xorMappedAddress(let address):
            Self.appendAddress(address, to: &out, xor: true)
        case .errorCode(let error):
            out.append(contentsOf: [0, 0, UInt8(error.code / 100), UInt8(error.code % 100)])
            out.append(contentsOf: error.reason.utf8)
        case .unknownAttributes(let types):
            for type in types { out.appendBigEndian(type.rawValue) }
        case .other(_, let value):
            out.append(contentsOf: value)
        }
        let length = out.count - start - 4
        guard length <= Int(UInt16.max) else {
            out.removeSubrange(start...)
            throw .messageTooLarge
        }
        out[start + 2] = UInt8(length >> 8)
        out[start + 3] = UInt8(truncatingIfNeeded: length)
        while (out.count - start) % 4 != 0 { out.append(padding) }
    }

    private static func appendAddress(_ address: TransportAddress, to out: inout [UInt8], xor: Bool) {
        let cookie = STUNWire.magicCookie
        out.append(0)
        out.append(address.isIPv4 ? familyIPv4 : familyIPv6)
        out.appendBigEndian(xor ? address.port ^ UInt16(cookie >> 16) : address.port)
        switch address.ip {
        case .v4(let ip):
            out.appendBigEndian(xor ? ip ^ cookie : ip)
        case .v6(let high, let low):
            guard xor else {
                out.appendBigEndian(high)
                out.appendBigEndian(low)
                return
            }
            // The mask is bytes 4..<20 of the header already written: cookie + transaction id.
            var maskHigh: UInt64 = 0
            var maskLow: UInt64 = 0
            for i in 4..<12 { maskHigh = maskHigh << 8 | UInt64(out[i]) }
            for i in 12..<20 { maskLow = maskLow << 8 | UInt64(out[i]) }
            out.appendBigEndian(high ^ maskHigh)
            out.appendBigEndian(low ^ maskLow)
        }
    }
}

extension Array where Element == UInt8 {
    mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        var shift = T.bitWidth - 8
        while shift >= 0 {
            append(UInt8(truncatingIfNeeded: value >> shift))
            shift -= 8
        }
    }
}
