// A STUN message as a value: type, transaction id, attributes in wire order. Parsing never
// traps and never trusts a length field beyond the datagram; every failure is a `STUNError`.

/// A parsed or to-be-encoded STUN message.
public struct STUNMessage: Hashable, Sendable {
    public var type: STUNMessageType
    public var transactionID: STUNTransactionID
    /// In wire order. After parsing, attributes that followed MESSAGE-INTEGRITY (other than
    /// FINGERPRINT) are absent: RFC 8489 §14.5 says to ignore them, as they are unauthenticated.
    public var attributes: [STUNAttribute]

    public init(type: STUNMessageType, transactionID: STUNTransactionID, attributes: [STUNAttribute] = []) {
        self.type = type
        self.transactionID = transactionID
        self.attributes = attributes
    }

    // MARK: - Parsing

    /// Parses a whole datagram. A FINGERPRINT, if present, is verified here (a wrong one means
    /// the datagram is not STUN); MESSAGE-INTEGRITY needs a key: see `STUNMessageIntegrity.verify`.
    public static func parse(_ datagram: UnsafeRawBufferPointer) throws(STUNError) -> STUNMessage {
        let bytes = CheckedBytes(base: datagram)
        let header = try STUNHeader(validating: bytes)
        guard let high = bytes.u32(8), let low = bytes.u64(12) else { throw .tooShort(count: bytes.count) }
        var message = STUNMessage(type: STUNMessageType(wireValue: header.typeField),
                                  transactionID: STUNTransactionID(high: high, low: low))
        message.attributes.reserveCapacity(8)
        var cursor = AttributeCursor(bytes)
        var afterIntegrity = false
        while let span = try cursor.next() {
            if span.type == STUNAttributeType.fingerprint.rawValue {
                guard span.end == bytes.count else { throw .attributeAfterFingerprint }
                guard span.length == 4, let received = bytes.u32(span.valueOffset) else {
                    throw .malformedAttribute(type: span.type)
                }
                guard received == STUNFingerprint.value(datagram, attributeOffset: span.offset) else {
                    throw .fingerprintMismatch
                }
                message.attributes.append(.fingerprint(received))
                continue
            }
            if afterIntegrity { continue }
            message.attributes.append(try STUNAttribute.decode(span, in: bytes))
            if span.type == STUNAttributeType.messageIntegrity.rawValue { afterIntegrity = true }
        }
        return message
    }

    /// Parses a message held in any byte collection (copied only if not contiguous).
    public static func parse(_ datagram: some Collection<UInt8>) throws(STUNError) -> STUNMessage {
        let result: Result<STUNMessage, STUNError> = withContiguousBytes(of: datagram) { raw in
            Result(catching: { () throws(STUNError) -> STUNMessage in try parse(raw) })
        }
        return try result.get()
    }

    // MARK: - Attribute lookups (first occurrence wins, as RFC 8489 §14 asks)

    public var username: String? {
        for case .username(let value) in attributes { return value }
        return nil
    }

    public var messageIntegrity: [UInt8]? {
        for case .messageIntegrity(let value) in attributes { return value }
        return nil
    }

    public var fingerprint: UInt32? {
        for case .fingerprint(let value) in attributes { return value }
        return nil
    }

    public var xorMappedAddress: TransportAddress? {
        for case .xorMappedAddress(let value) in attributes { return value }
        return nil
    }

    public var mappedAddress: TransportAddress? {
        for case .mappedAddress(let value) in attributes { return value }
        return nil
    }

    public var priority: UInt32? {
        for case .priority(let value) in attributes { return value }
        return nil
    }

    public var hasUseCandidate: Bool {
        attributes.contains(.useCandidate)
    }

    public var iceControlling: UInt64? {
        for case .iceControlling(let value) in attributes { return value }
        return nil
    }

    public var iceControlled: UInt64? {
        for case .iceControlled(let value) in attributes { return value }
        return nil
    }

    public var errorCode: STUNErrorCode? {
        for case .errorCode(let value) in attributes { return value }
        return nil
    }

    public var unknownAttributes: [STUNAttributeType]? {
        for case .unknownAttributes(let value) in attributes { return value }
        return nil
    }

    /// Comprehension-required types (< 0x8000) this module does not understand, in order of
    /// appearance without repeats: a request carrying any must be answered with 420 and an
    /// UNKNOWN-ATTRIBUTES listing them (RFC 8489 §6.3.1).
    public var unknownComprehensionRequired: [STUNAttributeType] {
        var found: [STUNAttributeType] = []
        for case .other(let type, _) in attributes where type.isComprehensionRequired && !found.contains(type) {
            found.append(type)
        }
        return found
    }
}
