/// a=extmap (RFC 8285): `<id>[/<direction>] <uri> [<extension attributes>]`.
public struct ExtensionMap: AttributeValue {
    public static let attributeName = "extmap"

    /// 1-14 for one-byte headers, up to 255 for two-byte; 4096-4351 only in offers (RFC 8285 5).
    public var id: UInt16
    public var direction: MediaDirection?
    public var uri: String
    public var extensionAttributes: String?

    public init(id: UInt16, uri: String, direction: MediaDirection? = nil, extensionAttributes: String? = nil) {
        self.id = id
        self.uri = uri
        self.direction = direction
        self.extensionAttributes = extensionAttributes
    }

    public init(parsing value: String) throws(SDPError) {
        let t = ByteText(value)
        try self.init(t, t.all)
    }

    init(_ t: ByteText, _ r: Range<Int>) throws(SDPError) {
        let f = t.fields(r)
        guard f.count >= 2 else { throw .invalidValue(field: "extmap", reason: "needs <id> <uri>") }
        let (idText, dirText) = t.splitFirst(f[0], 0x2F)
        guard let id = t.uint16(idText), (id >= 1 && id <= 255) || (id >= 4096 && id <= 4351) else {
            throw .invalidValue(field: "extmap", reason: "id must be 1-255 or 4096-4351")
        }
        var direction: MediaDirection?
        if let dirText {
            guard let d = MediaDirection(rawValue: t.string(dirText)) else {
                throw .invalidValue(field: "extmap", reason: "unknown direction")
            }
            direction = d
        }
        guard t.isVisible(f[1]) else { throw .invalidValue(field: "extmap", reason: "bad uri") }
        // Extension attributes: the rest of the line from the third field, as written.
        let rest = f.count > 2 ? t.string(f[2].lowerBound..<(f.last?.upperBound ?? f[2].upperBound)) : nil
        self.init(id: id, uri: t.string(f[1]), direction: direction, extensionAttributes: rest)
    }

    public var attributeValue: String {
        var s = String(id)
        if let direction { s += "/\(direction.rawValue)" }
        s += " \(uri)"
        if let extensionAttributes { s += " \(extensionAttributes)" }
        return s
    }
}
