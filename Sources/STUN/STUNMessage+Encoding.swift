// Building a STUN message: header, attributes with padding, then the computed
// MESSAGE-INTEGRITY and FINGERPRINT, in the order RFC 8489 §14.5 and §14.7 require.

extension STUNMessage {
    /// Encodes the message.
    ///
    /// - Parameters:
    ///   - integrityKey: when set, a MESSAGE-INTEGRITY computed with it follows the attributes.
    ///   - fingerprint: when true, a FINGERPRINT ends the message.
    ///   - padding: the value of padding bytes. RFC 8489 says senders should write zeros and
    ///     receivers must ignore them; RFC 5769's vectors use 0x20 in places, so it is a parameter.
    ///
    /// `.messageIntegrity` and `.fingerprint` entries in `attributes` are not copied: they are
    /// derived values, recomputed here from the key and the bytes.
    public func encode(integrityKey: STUNIntegrityKey? = nil, fingerprint: Bool = false,
                       padding: UInt8 = 0) throws(STUNError) -> [UInt8] {
        var out: [UInt8] = []
        try encode(into: &out, integrityKey: integrityKey, fingerprint: fingerprint, padding: padding)
        return out
    }

    /// Like `encode(integrityKey:fingerprint:padding:)`, but replaces the contents of `out`,
    /// so a caller can reuse one buffer's capacity across messages.
    public func encode(into out: inout [UInt8], integrityKey: STUNIntegrityKey? = nil,
                       fingerprint: Bool = false, padding: UInt8 = 0) throws(STUNError) {
        out.removeAll(keepingCapacity: true)
        out.reserveCapacity(STUNWire.headerLength + 64)
        out.appendBigEndian(type.wireValue)
        out.appendBigEndian(UInt16(0))  // length, patched below
        out.appendBigEndian(STUNWire.magicCookie)
        out.appendBigEndian(transactionID.high)
        out.appendBigEndian(transactionID.low)
        for attribute in attributes {
            switch attribute {
            case .messageIntegrity, .fingerprint: continue
            default: try attribute.append(to: &out, padding: padding)
            }
        }
        if let integrityKey {
            let offset = out.count
            try setBodyLength(offset + 4 + STUNWire.integrityLength, in: &out)
            let mac = out.withUnsafeBytes { STUNMessageIntegrity.mac($0, attributeOffset: offset, key: integrityKey) }
            out.appendBigEndian(STUNAttributeType.messageIntegrity.rawValue)
            out.appendBigEndian(UInt16(STUNWire.integrityLength))
            out.append(contentsOf: mac)
        }
        if fingerprint {
            let offset = out.count
            try setBodyLength(offset + 8, in: &out)
            let crc = out.withUnsafeBytes { STUNFingerprint.value($0, attributeOffset: offset) }
            out.appendBigEndian(STUNAttributeType.fingerprint.rawValue)
            out.appendBigEndian(UInt16(4))
            out.appendBigEndian(crc)
        }
        try setBodyLength(out.count, in: &out)
    }

    /// Writes the header length for a message that will be `totalLength` bytes long.
    private func setBodyLength(_ totalLength: Int, in out: inout [UInt8]) throws(STUNError) {
        let body = totalLength - STUNWire.headerLength
        guard body <= STUNWire.maximumBodyLength else { throw .messageTooLarge }
        out[2] = UInt8(body >> 8)
        out[3] = UInt8(truncatingIfNeeded: body)
    }
}
