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
    static func isValidID(_ s: Substring) -> Bool {
        !s.isEmpty && s.utf8.count <= 255 && s.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x5F
        }
    }

    public init(parsing value: String) throws(SDPError) {
        let f = SDPSyntax.fields(value)
        guard f.count == 2 || f.count == 3, RIDDescription.isValidID(f[0]),
              let direction = Direction(rawValue: String(f[1])) else {
            throw .invalidValue(field: "rid", reason: "needs <rid-id> send|recv [params]")
        }
        var pts: [UInt8] = []
        var restrictions: [Parameter] = []
        if f.count == 3 {
            for p in try Parameter.list(f[2], field: "rid") {
                if p.name == "pt" {
                    guard pts.isEmpty, let list = p.value else {
                        throw .invalidValue(field: "rid", reason: "pt= must be given once with values")
                    }
                    for item in list.split(separator: ",", omittingEmptySubsequences: false) {
                        guard let pt = SDPSyntax.payloadType(item) else {
                            throw .invalidValue(field: "rid", reason: "pt= values must be 0-127")
                        }
                        pts.append(pt)
                    }
                } else {
                    restrictions.append(p)
                }
            }
        }
        self.init(id: String(f[0]), direction: direction, payloadTypes: pts, restrictions: restrictions)
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
