/// a=rtpmap: `<payload type> <encoding name>/<clock rate>[/<channels>]`.
public struct RTPMap: AttributeValue {
    public static let attributeName = "rtpmap"

    public var payloadType: UInt8
    public var encodingName: String
    public var clockRate: UInt32
    public var channels: UInt8?

    public init(payloadType: UInt8, encodingName: String, clockRate: UInt32, channels: UInt8? = nil) {
        self.payloadType = payloadType
        self.encodingName = encodingName
        self.clockRate = clockRate
        self.channels = channels
    }

    public init(parsing value: String) throws(SDPError) {
        let f = SDPSyntax.fields(value)
        guard f.count == 2, let pt = SDPSyntax.payloadType(f[0]) else {
            throw .invalidValue(field: "rtpmap", reason: "needs <pt 0-127> <name>/<rate>")
        }
        let parts = f[1].split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, SDPSyntax.isToken(parts[0]),
              let rate = SDPSyntax.unsigned(parts[1], as: UInt32.self), rate > 0 else {
            throw .invalidValue(field: "rtpmap", reason: "needs <name>/<clock rate>[/<channels>]")
        }
        var channels: UInt8?
        if parts.count == 3 {
            guard let c = SDPSyntax.unsigned(parts[2], as: UInt8.self), c > 0 else {
                throw .invalidValue(field: "rtpmap", reason: "channels must be 1-255")
            }
            channels = c
        }
        self.init(payloadType: pt, encodingName: String(parts[0]), clockRate: rate, channels: channels)
    }

    public var attributeValue: String {
        var s = "\(payloadType) \(encodingName)/\(clockRate)"
        if let channels { s += "/\(channels)" }
        return s
    }
}
