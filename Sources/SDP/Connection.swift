/// A c= line: `IN IP4 127.0.0.1`. The address is kept as written (it may carry `/ttl` for
/// multicast, which WebRTC never uses).
public struct Connection: Hashable, Sendable {
    public var networkType: String
    public var addressType: String
    public var address: String

    public init(networkType: String = "IN", addressType: String = "IP4", address: String) {
        self.networkType = networkType
        self.addressType = addressType
        self.address = address
    }

    /// `IN IP4 0.0.0.0` or `IN IP6 ::` style connection for an address, picking the type by shape.
    public init(address: String) {
        self.init(addressType: address.contains(":") ? "IP6" : "IP4", address: address)
    }

    public init(parsing value: String) throws(SDPError) {
        let t = ByteText(value)
        try self.init(t, t.all)
    }

    init(_ t: ByteText, _ r: Range<Int>) throws(SDPError) {
        let f = t.fields(r)
        guard f.count == 3, t.isVisible(f[0]), t.isVisible(f[1]), t.isVisible(f[2]) else {
            throw .invalidValue(field: "c=", reason: "needs <nettype> <addrtype> <address>")
        }
        self.init(networkType: t.string(f[0]), addressType: t.string(f[1]), address: t.string(f[2]))
    }

    public var lineValue: String { "\(networkType) \(addressType) \(address)" }
}
