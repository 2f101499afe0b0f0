import STUN

/// The routing table of one loop: which peer owns a remote address (5-tuple; the local half is
/// the loop's one socket), and which peer owns each of our ufrags.
///
/// An address is bound only through `routeUnboundSTUN`, and only when the peer's ICE agent
/// accepts the check (the `validate` callback): a datagram can claim any ufrag, but only one
/// that proves knowledge of the password moves media. NAT rebinding and new paths go the same
/// way — a valid check from a new address binds it too. Lookups never allocate: ufrags we
/// generate are 8 ice-chars, so they are keyed by their bytes packed into a `UInt64`.
struct PeerRouter<Peer: AnyObject> {
    /// Length of the ufrags we hand out (`ICECredentials.random` draws 8 characters).
    static var ufragLength: Int { 8 }

    private(set) var byAddress: [TransportAddress: Peer] = [:]
    private(set) var byUfrag: [UInt64: Peer] = [:]

    init() {
        byAddress.reserveCapacity(64)
        byUfrag.reserveCapacity(64)
    }

    var addressCount: Int { byAddress.count }
    var ufragCount: Int { byUfrag.count }

    /// What happened to a STUN datagram from an address no peer owns yet.
    enum STUNRoute: Equatable {
        /// The check was valid: the address now routes to the peer.
        case bound
        /// A peer owns the ufrag but its agent did not accept the check; nothing was bound.
        case rejected
        /// The datagram has no USERNAME local part, or names no ufrag of ours.
        case unknownUfrag
    }

    // MARK: lookups (packet path)

    @inline(__always)
    func peer(for address: TransportAddress) -> Peer? { byAddress[address] }

    /// The peer whose ufrag the STUN datagram's USERNAME names (nothing is authenticated here).
    func peer(forUsernameIn datagram: UnsafeRawBufferPointer) -> Peer? {
        guard let range = STUNPeek.usernameLocalPart(datagram),
              let key = Self.key(UnsafeRawBufferPointer(rebasing: datagram[range])) else { return nil }
        return byUfrag[key]
    }

    /// Routes a STUN datagram from an unbound address by ufrag: the owner's agent judges it
    /// (`validate` hands it the datagram and returns whether `source` is now authorized), and
    /// only then is `source` bound to the owner.
    mutating func routeUnboundSTUN(_ datagram: UnsafeRawBufferPointer, from source: TransportAddress,
                                   validate: (Peer) -> Bool) -> (STUNRoute, Peer?) {
        guard let owner = peer(forUsernameIn: datagram) else { return (.unknownUfrag, nil) }
        guard validate(owner) else { return (.rejected, owner) }
        byAddress[source] = owner
        return (.bound, owner)
    }

    // MARK: changes (control plane, consent expiry)

    /// Registers a ufrag; false when it is not one of ours (8 ASCII characters) or already taken.
    mutating func register(ufrag: String, for peer: Peer) -> Bool {
        guard let key = Self.key(ufrag), byUfrag[key] == nil else { return false }
        byUfrag[key] = peer
        return true
    }

    mutating func unregister(ufrag: String) {
        guard let key = Self.key(ufrag) else { return }
        byUfrag[key] = nil
    }

    /// Binds an address directly (used when an address is already known to be valid for `peer`).
    mutating func bind(_ address: TransportAddress, to peer: Peer) { byAddress[address] = peer }

    mutating func unbind(_ address: TransportAddress) { byAddress[address] = nil }

    /// Addresses bound to `peer`.
    func addresses(of peer: Peer) -> [TransportAddress] {
        byAddress.compactMap { $0.value === peer ? $0.key : nil }
    }

    /// Removes every address and ufrag that leads to `peer`.
    mutating func removeAll(of peer: Peer) {
        byAddress = byAddress.filter { $0.value !== peer }
        byUfrag = byUfrag.filter { $0.value !== peer }
    }

    // MARK: keys

    static func key(_ ufrag: String) -> UInt64? {
        Array(ufrag.utf8).withUnsafeBytes { key($0) }  // control plane only
    }

    static func key(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard bytes.count == ufragLength else { return nil }
        var value: UInt64 = 0
        for byte in bytes { value = value << 8 | UInt64(byte) }
        return value
    }
}
