/// a=setup (RFC 4145, RFC 8842): which side starts the DTLS handshake. `active` is the DTLS
/// client, `passive` the server; offers say `actpass`.
public enum SetupRole: String, Hashable, Sendable, CaseIterable {
    case actpass, active, passive, holdconn

    public init(parsing value: String) throws(SDPError) {
        guard let role = SetupRole(rawValue: SDPText.trimmed(value)) else {
            throw .invalidValue(field: "setup", reason: "must be actpass, active, passive or holdconn")
        }
        self = role
    }
}
