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
        let t = ByteText(value)
        try self.init(t, t.all)
    }

    init(_ t: ByteText, _ r: Range<Int>) throws(SDPError) {
        let f = t.fields(r)
        guard f.count == 2, let pt = t.payloadType(f[0]) else {
            throw .invalidValue(field: "rtpmap", reason: "needs <pt 0-127> <name>/<rate>")
        }
        let parts = t.split(f[1], 0x2F)
        guard parts.count == 2 || parts.count == 3, t.isToken(parts[0]), let rate = t.uint32(parts[1]), rate > 0 else {
            throw .invalidValue(field: "rtpmap", reason: "needs <name>/<clock rate>[/<channels>]")
        }
        var channels: UInt8?
        if parts.count == 3 {
            guard let c = t.uint8(parts[2]), c > 0 else {
                throw .invalidValue(field: "rtpmap", reason: "channels must be 1-255")
            }
            channels = c
        }
        self.init(payloadType: pt, encodingName: t.string(parts[0]), clockRate: rate, channels: channels)
    }

    public var attributeValue: String {
        var s = "\(payloadType) \(encodingName)/\(clockRate)"
        if let channels { s += "/\(channels)" }
        return s
    }
}
