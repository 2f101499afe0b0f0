// The connection state a lite agent can know: it only sees checks, never sends any.

/// The agent's view of the connection.
public enum ICEConnectionState: Hashable, Sendable {
    /// No valid check yet.
    case new
    /// Valid checks arrived but the peer has not nominated an address.
    case checking
    /// An address is selected and has consent.
    case connected
    /// The selected address lost consent; nothing is selected until the peer nominates again.
    case disconnected
}
