import SFU
import STUN

/// What the registry needs to know of a peer to file it under every key.
protocol RegisteredPeer: AnyObject {
    var id: PeerSessionID { get }
    var participantID: ParticipantID { get }
    var roomName: String { get }
}

/// Every peer of one loop, under every key the loop looks one up by: session (control plane),
/// participant (the egress path, room events), room (fan-out), remote address and ufrag (the
/// packet path, `PeerRouter`). One `insert` files a peer everywhere and one `remove` takes it out
/// everywhere, so no key can outlive the peer or point at another one.
///
/// Threading: lives on its loop like the peers it holds.
final class PeerRegistry<Peer: RegisteredPeer> {
    private(set) var router = PeerRouter<Peer>()
    private var bySession: [PeerSessionID: Peer] = [:]
    private var byParticipant: [ParticipantID: Peer] = [:]
    private var byRoom: [String: [ParticipantID: Peer]] = [:]

    init() {
        bySession.reserveCapacity(64)
        byParticipant.reserveCapacity(64)
    }

    var count: Int { bySession.count }
    var isEmpty: Bool { bySession.isEmpty }
    var all: Dictionary<PeerSessionID, Peer>.Values { bySession.values }

    // MARK: lookups

    func peer(session id: PeerSessionID) -> Peer? { bySession[id] }

    /// The packet path's lookup for forwarding (participant ids are unique per loop).
    @inline(__always)
    func peer(participant id: ParticipantID) -> Peer? { byParticipant[id] }

    @inline(__always)
    func peer(for address: TransportAddress) -> Peer? { router.peer(for: address) }

    func hasMembers(inRoom name: String) -> Bool { !(byRoom[name]?.isEmpty ?? true) }

    /// A room's members in a stable order (by participant id): events reach them in join order.
    func members(ofRoom name: String) -> [Peer] {
        (byRoom[name]?.values).map { $0.sorted { $0.participantID < $1.participantID } } ?? []
    }

    /// Calls `body` for each member of a room, in no particular order, without copying the list.
    func forEachMember(ofRoom name: String, _ body: (Peer) -> Void) {
        byRoom[name]?.values.forEach(body)
    }

    func isUfragTaken(_ ufrag: String) -> Bool {
        PeerRouter<Peer>.key(ufrag).map { router.byUfrag[$0] != nil } ?? true
    }

    // MARK: changes

    /// Files a peer under its session, participant, room and ufrag. False (and nothing filed)
    /// when the ufrag is not one of ours or taken, or the session or participant is already known.
    func insert(_ peer: Peer, ufrag: String) -> Bool {
        guard bySession[peer.id] == nil, byParticipant[peer.participantID] == nil,
              router.register(ufrag: ufrag, for: peer) else { return false }
        bySession[peer.id] = peer
        byParticipant[peer.participantID] = peer
        byRoom[peer.roomName, default: [:]][peer.participantID] = peer
        return true
    }

    /// Takes the peer out from under every key; harmless for a peer not (or no longer) filed.
    func remove(_ peer: Peer) {
        guard bySession[peer.id] === peer else { return }
        bySession[peer.id] = nil
        byParticipant[peer.participantID] = nil
        byRoom[peer.roomName]?[peer.participantID] = nil
        if byRoom[peer.roomName]?.isEmpty == true { byRoom[peer.roomName] = nil }
        router.removeAll(of: peer)
    }

    /// An ICE restart: the peer answers to a new ufrag only.
    func changeUfrag(of peer: Peer, from old: String, to new: String) -> Bool {
        guard bySession[peer.id] === peer, !isUfragTaken(new) else { return false }
        router.unregister(ufrag: old)
        return router.register(ufrag: new, for: peer)
    }

    /// Routes a STUN datagram from an unbound address (see `PeerRouter.routeUnboundSTUN`).
    func routeUnboundSTUN(_ datagram: UnsafeRawBufferPointer, from source: TransportAddress,
                          validate: (Peer) -> Bool) -> (PeerRouter<Peer>.STUNRoute, Peer?) {
        router.routeUnboundSTUN(datagram, from: source, validate: validate)
    }

    /// An address stops routing (its consent ran out); only the peer it routes to may revoke it.
    func unbind(_ address: TransportAddress, of peer: Peer) {
        guard router.peer(for: address) === peer else { return }
        router.unbind(address)
    }
}
