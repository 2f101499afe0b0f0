// One STUN attribute, decoded. The attributes ICE uses get typed cases; anything else is kept
// raw so a message can be re-encoded and so unknown comprehension-required types can be named
// in a 420 answer.

/// A decoded attribute. MESSAGE-INTEGRITY and FINGERPRINT appear after parsing but are
/// computed, not copied, when a message is encoded (see `STUNMessage.encode`).
public enum STUNAttribute: Hashable, Sendable {
    case username(String)
    /// The 20-byte HMAC-SHA1 as received.
    case messageIntegrity([UInt8])
    /// The CRC-32 (already XORed with 0x5354554e) as received.
    case fingerprint(UInt32)
    case xorMappedAddress(TransportAddress)
    case mappedAddress(TransportAddress)
    case priority(UInt32)
    case useCandidate
    /// The sender claims the controlling role; the value is its tie-breaker.
    case iceControlling(UInt64)
    /// The sender claims the controlled role; the value is its tie-breaker.
    case iceControlled(UInt64)
    case errorCode(STUNErrorCode)
    case unknownAttributes([STUNAttributeType])
    case software(String)
    case realm(String)
    case nonce(String)
    /// Any other type, value bytes as received (without padding).
    case other(STUNAttributeType, [UInt8])

    public var type: STUNAttributeType {
        switch self {
        case .username: .username
        case .messageIntegrity: .messageIntegrity
        case .fingerprint: .fingerprint
        case .xorMappedAddress: .xorMappedAddress
        case .mappedAddress: .mappedAddress
        case .priority: .priority
        case .useCandidate: .useCandidate
        case .iceControlling: .iceControlling
        case .iceControlled: .iceControlled
        case .errorCode: .errorCode
        case .unknownAttributes: .unknownAttributes
        case .software: .software
        case .realm: .realm
        case .nonce: .nonce
        case .other(let type, _): type
        }
    }
}
