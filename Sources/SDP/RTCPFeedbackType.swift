/// One kind of RTCP feedback a codec accepts: `nack`, `nack pli`, `ccm fir`, `goog-remb`, `transport-cc`.
public struct RTCPFeedbackType: Hashable, Sendable {
    public var type: String
    public var parameter: String?

    public init(_ type: String, _ parameter: String? = nil) {
        self.type = type
        self.parameter = parameter
    }

    public static let nack = RTCPFeedbackType("nack")
    public static let pli = RTCPFeedbackType("nack", "pli")
    public static let fir = RTCPFeedbackType("ccm", "fir")
    public static let remb = RTCPFeedbackType("goog-remb")
    public static let transportCC = RTCPFeedbackType("transport-cc")

    var text: String { parameter.map { "\(type) \($0)" } ?? type }
}
