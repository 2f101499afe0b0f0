/// The o= line: who made the description and which version of the session it is.
public struct Origin: Hashable, Sendable {
    public var username: String
    public var sessionID: UInt64
    /// Bumped by the creator each time it changes the session (JSEP 5.2.2).
    public var sessionVersion: UInt64
    public var networkType: String
    public var addressType: String
    public var address: String

    public init(username: String = "-", sessionID: UInt64, sessionVersion: UInt64,
                networkType: String = "IN", addressType: String = "IP4", address: String = "127.0.0.1") {
        self.username = username
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.networkType = networkType
        self.addressType = addressType
        self.address = address
    }

    /// Parses the value of an o= line: `<username> <sess-id> <sess-version> <nettype> <addrtype> <address>`.
    public init(parsing value: String) throws(SDPError) {
        let t = ByteText(value)
        try self.init(t, t.all)
    }

    init(_ t: ByteText, _ r: Range<Int>) throws(SDPError) {
        let f = t.fields(r)
        guard f.count == 6 else { throw .invalidValue(field: "o=", reason: "needs 6 fields, has \(f.count)") }
        guard let id = t.unsigned(f[1]), let version = t.unsigned(f[2]) else {
            throw .invalidValue(field: "o=", reason: "session id and version must be 64-bit decimals")
        }
        guard t.isVisible(f[0]), t.isVisible(f[3]), t.isVisible(f[4]), t.isVisible(f[5]) else {
            throw .invalidValue(field: "o=", reason: "fields must be visible characters")
        }
        self.init(username: t.string(f[0]), sessionID: id, sessionVersion: version,
                  networkType: t.string(f[3]), addressType: t.string(f[4]), address: t.string(f[5]))
    }

    public var lineValue: String {
        "\(username) \(sessionID) \(sessionVersion) \(networkType) \(addressType) \(address)"
    }
}
