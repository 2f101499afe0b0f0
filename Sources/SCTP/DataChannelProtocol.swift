/// SCTP payload protocol identifiers of WebRTC data channels (RFC 8831 §8, RFC 8832 §8.1).
public enum PayloadProtocol: UInt32, Sendable {
    case dcep = 50
    case string = 51
    case binary = 53
    /// An empty message: SCTP cannot carry zero bytes, so one byte (ignored) travels with these.
    case stringEmpty = 56
    case binaryEmpty = 57
}

/// How a channel delivers (the DCEP channel type with its reliability parameter).
public enum DataChannelReliability: Sendable, Equatable {
    case reliable
    case maxRetransmits(UInt32)
    case maxLifetime(milliseconds: UInt32)
}

/// DATA_CHANNEL_OPEN (RFC 8832 §5.1).
///
/// ```
/// | 0x03 | channel type | priority (2) | reliability parameter (4) |
/// | label length (2) | protocol length (2) | label | protocol |
/// ```
public struct DataChannelOpen: Sendable, Equatable {
    public static let messageType: UInt8 = 0x03
    public static let ackType: UInt8 = 0x02
    static let headerSize = 12

    public var ordered: Bool
    public var reliability: DataChannelReliability
    public var priority: UInt16
    public var label: String
    public var `protocol`: String

    public init(label: String, protocol: String = "", ordered: Bool = true,
                reliability: DataChannelReliability = .reliable, priority: UInt16 = 256) {
        self.label = label
        self.protocol = `protocol`
        self.ordered = ordered
        self.reliability = reliability
        self.priority = priority
    }

    /// Parses an OPEN; the label and protocol must be UTF-8 (RFC 8832 §5.1).
    public init(parsing bytes: some Collection<UInt8>) throws(DataChannelError) {
        let b = Array(bytes)
        guard b.count >= Self.headerSize else { throw .truncated(needed: Self.headerSize, have: b.count) }
        guard b[0] == Self.messageType else { throw .unknownMessageType(b[0]) }
        let type = b[1]
        let parameter = UInt32(b[4]) << 24 | UInt32(b[5]) << 16 | UInt32(b[6]) << 8 | UInt32(b[7])
        switch type & 0x7F {
        case 0x00: reliability = .reliable
        case 0x01: reliability = .maxRetransmits(parameter)
        case 0x02: reliability = .maxLifetime(milliseconds: parameter)
        default: throw .unknownChannelType(type)
        }
        ordered = type & 0x80 == 0
        priority = UInt16(b[2]) << 8 | UInt16(b[3])
        let labelLength = Int(b[8]) << 8 | Int(b[9])
        let protocolLength = Int(b[10]) << 8 | Int(b[11])
        let needed = Self.headerSize + labelLength + protocolLength
        guard b.count >= needed else { throw .truncated(needed: needed, have: b.count) }
        let labelEnd = Self.headerSize + labelLength
        guard let label = String(validating: b[Self.headerSize..<labelEnd], as: UTF8.self),
              let proto = String(validating: b[labelEnd..<needed], as: UTF8.self) else { throw .invalidUTF8 }
        self.label = label
        self.protocol = proto
    }

    /// The wire form. Labels and protocols longer than 65,535 bytes are cut (they cannot be sent).
    public var bytes: [UInt8] {
        let label = Array(self.label.utf8.prefix(Int(UInt16.max)))
        let proto = Array(self.protocol.utf8.prefix(Int(UInt16.max)))
        var type: UInt8
        let parameter: UInt32
        switch reliability {
        case .reliable: (type, parameter) = (0x00, 0)
        case .maxRetransmits(let n): (type, parameter) = (0x01, n)
        case .maxLifetime(let ms): (type, parameter) = (0x02, ms)
        }
        if !ordered { type |= 0x80 }
        var out: [UInt8] = [Self.messageType, type, UInt8(priority >> 8), UInt8(truncatingIfNeeded: priority),
                            UInt8(parameter >> 24), UInt8(truncatingIfNeeded: parameter >> 16),
                            UInt8(truncatingIfNeeded: parameter >> 8), UInt8(truncatingIfNeeded: parameter),
                            UInt8(label.count >> 8), UInt8(truncatingIfNeeded: label.count),
                            UInt8(proto.count >> 8), UInt8(truncatingIfNeeded: proto.count)]
        out.reserveCapacity(out.count + label.count + proto.count)
        out += label
        out += proto
        return out
    }
}
