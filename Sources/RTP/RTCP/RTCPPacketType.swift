/// The RTCP packet type (PT) byte.
public struct RTCPPacketType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let senderReport = RTCPPacketType(rawValue: 200)          // SR, RFC 3550
    public static let receiverReport = RTCPPacketType(rawValue: 201)        // RR
    public static let sourceDescription = RTCPPacketType(rawValue: 202)     // SDES
    public static let goodbye = RTCPPacketType(rawValue: 203)               // BYE
    public static let applicationDefined = RTCPPacketType(rawValue: 204)    // APP
    public static let transportFeedback = RTCPPacketType(rawValue: 205)     // RTPFB, RFC 4585
    public static let payloadFeedback = RTCPPacketType(rawValue: 206)       // PSFB, RFC 4585
    public static let extendedReport = RTCPPacketType(rawValue: 207)        // XR, RFC 3611

    public var description: String { "PT=\(rawValue)" }
}
