// What a DTLSEndpoint gives back: datagrams to send, events, and decrypted application data.

/// Which side of the DTLS handshake we play. With `a=setup:passive` in our answers the SFU is
/// usually the server; the load tool is the client.
public enum DTLSRole: Sendable, Equatable {
    case client, server
}

/// Something that happened to the DTLS connection.
public enum DTLSEvent: Sendable, Equatable {
    /// The handshake completed, the peer certificate matched its fingerprint, and these keys
    /// were exported for SRTP.
    case connected(SRTPKeyingMaterial)
    /// The connection is over because of this error; no keys were (or will be) delivered.
    case failed(DTLSError)
    /// Closed in order, by us (`close`) or by the peer's close_notify.
    case closed
}

/// One item drained from `DTLSEndpoint.pollOutput()`.
public enum DTLSOutput: Sendable, Equatable {
    /// A datagram for the peer: whole DTLS records, at most the endpoint's MTU unless a single
    /// record is larger.
    case transmit([UInt8])
    case event(DTLSEvent)
    /// Decrypted application data from one record (SCTP packets, for data channels).
    case applicationData([UInt8])
}

/// Where the connection is.
public enum DTLSState: Sendable, Equatable {
    case new, handshaking, connected, failed, closed
}
