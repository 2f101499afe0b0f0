import SFU

/// The WHIP/WHEP sessions signaling created, by resource id (the last segment of the
/// `Location` URL). The resource id is random and separate from the media plane's session id, so
/// URLs reveal nothing and always need no escaping.
actor HTTPSessionRegistry {
    struct Entry: Sendable, Equatable {
        var endpoint: WISHEndpoint
        var room: String
        var participant: ParticipantInfo
        var session: PeerSessionID
        /// The ICE ufrag of the offer; a PATCH with another one asks for an ICE restart.
        var iceUfrag: String?
        /// Current entity tag of the resource (RFC 9725 §4.3.1 If-Match).
        var eTag: String
    }

    private var entries: [String: Entry] = [:]

    func insert(_ entry: Entry) -> String {
        var resource = RandomIdentifier.hex()
        while entries[resource] != nil { resource = RandomIdentifier.hex() }
        entries[resource] = entry
        return resource
    }

    func entry(_ resource: String) -> Entry? { entries[resource] }

    @discardableResult
    func remove(_ resource: String) -> Entry? { entries.removeValue(forKey: resource) }

    /// Removes every entry, for shutdown.
    func removeAll() -> [Entry] {
        defer { entries = [:] }
        return Array(entries.values)
    }

    var count: Int { entries.count }
}
