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
        let f = SDPSyntax.fields(value)
        guard f.count == 3, f.allSatisfy(SDPSyntax.isVisible) else {
            throw .invalidValue(field: "c=", reason: "needs <nettype> <addrtype> <address>")
        }
        self.init(networkType: String(f[0]), addressType: String(f[1]), address: String(f[2]))
    }

    public var lineValue: String { "\(networkType) \(addressType) \(address)" }
}
