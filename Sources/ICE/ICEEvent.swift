// Events the agent reports through `ICEOutput.event`.

import STUN

/// Something the owner of the agent acts on.
public enum ICEEvent: Hashable, Sendable {
    /// Media now goes to (and is accepted from) this address: the peer nominated it.
    case selected(TransportAddress)
    /// The selected address had no valid check for the consent timeout (RFC 7675): stop
    /// sending to it. Reported once per selection.
    case consentExpired
    case stateChanged(ICEConnectionState)
}
