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
        let f = SDPSyntax.fields(value)
        guard f.count == 6 else { throw .invalidValue(field: "o=", reason: "needs 6 fields, has \(f.count)") }
        guard let id = SDPSyntax.unsigned(f[1], as: UInt64.self),
              let version = SDPSyntax.unsigned(f[2], as: UInt64.self) else {
            throw .invalidValue(field: "o=", reason: "session id and version must be 64-bit decimals")
        }
        guard f.allSatisfy(SDPSyntax.isVisible) else {
            throw .invalidValue(field: "o=", reason: "fields must be visible characters")
        }
        self.init(username: String(f[0]), sessionID: id, sessionVersion: version,
                  networkType: String(f[3]), addressType: String(f[4]), address: String(f[5]))
    }

    public var lineValue: String {
        "\(username) \(sessionID) \(sessionVersion) \(networkType) \(addressType) \(address)"
    }
}
