// What the agent asks of its caller after an input: datagrams to send and events to act on.

import STUN

/// One item drained from `ICELiteAgent.pollOutput()`.
public enum ICEOutput: Hashable, Sendable {
    /// Send these bytes (a STUN response) to this address, from the socket the check came in on.
    case transmit([UInt8], to: TransportAddress)
    case event(ICEEvent)
}
