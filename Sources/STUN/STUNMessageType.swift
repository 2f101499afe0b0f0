// The 14-bit STUN message type: a 12-bit method with the 2-bit class interleaved (RFC 8489 §5).

/// Request, indication, success response or error response.
public enum STUNClass: UInt8, Sendable, Hashable, CaseIterable {
    case request = 0b00
    case indication = 0b01
    case successResponse = 0b10
    case errorResponse = 0b11
}

/// A STUN method (12 bits). Only Binding matters to ICE; other values are kept as parsed.
public struct STUNMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16

    /// Values above 0xFFF do not fit the message type and are masked to 12 bits.
    public init(rawValue: UInt16) { self.rawValue = rawValue & 0x0FFF }

    public static let binding = STUNMethod(rawValue: 0x001)

    public var description: String { self == .binding ? "Binding" : "method 0x\(String(rawValue, radix: 16))" }
}

/// Class and method together, as the first 16 bits of the header carry them.
public struct STUNMessageType: Hashable, Sendable, CustomStringConvertible {
    public var `class`: STUNClass
    public var method: STUNMethod

    public init(_ messageClass: STUNClass, _ method: STUNMethod = .binding) {
        self.class = messageClass
        self.method = method
    }

    public static let bindingRequest = STUNMessageType(.request)
    public static let bindingSuccess = STUNMessageType(.successResponse)
    public static let bindingError = STUNMessageType(.errorResponse)
    public static let bindingIndication = STUNMessageType(.indication)

    /// Decodes the 16-bit type field; the two top bits must already be known to be zero.
    public init(wireValue: UInt16) {
        let m = wireValue & 0x000F | (wireValue & 0x00E0) >> 1 | (wireValue & 0x3E00) >> 2
        let c = (wireValue & 0x0010) >> 4 | (wireValue & 0x0100) >> 7
        // `c` has two bits, so every value is a case.
        self.init(STUNClass(rawValue: UInt8(c)) ?? .request, STUNMethod(rawValue: m))
    }

    /// The 16-bit type field: method bits M0-M11 with C0 at bit 4 and C1 at bit 8.
    public var wireValue: UInt16 {
        let m = method.rawValue
        let c = UInt16(self.class.rawValue)
        return m & 0x000F | (m & 0x0070) << 1 | (m & 0x0F80) << 2 | (c & 0b01) << 4 | (c & 0b10) << 7
    }

    public var description: String { "\(method) \(self.class)" }
}
