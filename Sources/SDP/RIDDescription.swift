/// a=rid (RFC 8851): `<id> send|recv [pt=<pt>,...;<restriction>=<value>;...]`.
public struct RIDDescription: AttributeValue {
    public static let attributeName = "rid"

    public enum Direction: String, Hashable, Sendable {
        case send, recv
        public var reversed: Direction { self == .send ? .recv : .send }
    }

    public var id: String
    public var direction: Direction
    /// The payload types this stream may use; empty means any of the section's.
    public var payloadTypes: [UInt8]
    /// Restrictions such as `max-width=1280`, in order (RFC 8851 5).
    public var restrictions: [Parameter]

    public init(id: String, direction: Direction, payloadTypes: [UInt8] = [], restrictions: [Parameter] = []) {
        self.id = id
        self.direction = direction
        self.payloadTypes = payloadTypes
        self.restrictions = restrictions
    }

    /// rid-id = 1*(alpha-numeric / "-" / "_"), bounded so it fits the RTP header extension.
    static func isValidID(_ t: ByteText, _ r: Range<Int>) -> Bool {
        !r.isEmpty && r.count <= 255 && t.all(r, ByteText.isRIDChar)
    }

    public init(parsing value: String) throws(SDPError) {
        let t = ByteText(value)
        try self.init(t, t.all)
    }

    init(_ t: ByteText, _ r: Range<Int>) throws(SDPError) {
        let f = t.fields(r)
        guard f.count == 2 || f.count == 3, RIDDescription.isValidID(t, f[0]),
              let direction = Direction(rawValue: t.string(f[1])) else {
            throw .invalidValue(field: "rid", reason: "needs <rid-id> send|recv [params]")
        }
        var pts: [UInt8] = []
        var restrictions: [Parameter] = []
        if f.count == 3 {
            for p in try Parameter.list(t, f[2], field: "rid") {
                if p.name == "pt" {
                    guard pts.isEmpty, let list = p.value else {
                        throw .invalidValue(field: "rid", reason: "pt= must be given once with values")
                    }
                    let lt = ByteText(list)
                    for item in lt.split(lt.all, 0x2C) {
                        guard let pt = lt.payloadType(item), pts.count < SDPLimits.maxListItems else {
                            throw .invalidValue(field: "rid", reason: "pt= values must be 0-127")
                        }
                        pts.append(pt)
                    }
                } else {
                    restrictions.append(p)
                }
            }
        }
        self.init(id: t.string(f[0]), direction: direction, payloadTypes: pts, restrictions: restrictions)
    }

    public var attributeValue: String {
        var params = restrictions
        if !payloadTypes.isEmpty {
            params.insert(Parameter("pt", payloadTypes.map(String.init).joined(separator: ",")), at: 0)
        }
        let base = "\(id) \(direction.rawValue)"
        return params.isEmpty ? base : "\(base) \(Parameter.serialize(params))"
    }
}
