import SFU

// What the control API does to live rooms: the host's moderation and the end of a session.
// Each operation tells the room through the hub first, then has the media plane act, so a
// client hears why before its media stops.

extension SignalingService {
    /// Ends a room: every member gets `session_ended` (with the report) and is disconnected,
    /// every media session of the room closes, and the room's tokens open nothing any more.
    public func endRoom(_ room: String, reason: String = "host_ended", report: SessionEndReport?) async {
        await hub.end(room: room, event: .sessionEnded(reason: reason, report: report))
        await mediaPlane.closeSessions(in: room, participants: nil, reason: "session ended")
    }

    /// What members say on their chat data channels (one consumer: the chat service).
    public var chatInput: AsyncStream<DataChannelChatInput> { mediaPlane.chatInput }

    /// Sends a message made elsewhere (chat, gifts) to every member of a room once: on the chat
    /// data channel of members that have one open, on the signaling socket of the others.
    public func sendToRoom(_ text: String, in room: String) async {
        await sendToRoom([text], in: room)
    }

    /// Several messages in order (a gift's line and its animation): one visit to the hub for all.
    public func sendToRoom(_ texts: [String], in room: String) async {
        var batch: [(text: String, except: Set<String>)] = []
        batch.reserveCapacity(texts.count)
        for text in texts { batch.append((text, await mediaPlane.sendOnChatChannels(text, in: room, to: nil))) }
        await hub.deliver(batch, in: room)
    }

    /// Sends a message to one member: on its chat channel when it has one open, else its socket.
    public func send(_ text: String, to participant: String, in room: String) async {
        let onChannel = await mediaPlane.sendOnChatChannels(text, in: room, to: [participant])
        if onChannel.isEmpty { await hub.deliver(text, to: participant, in: room) }
    }

    /// Kicks a user: their connections are told and closed, their media stops, and their tokens
    /// for this room are refused while the room lives (the store refuses them new ones).
    public func kick(user: String, from room: String) async {
        let connections = await hub.ban(user: user, from: room)
        await mediaPlane.closeSessions(in: room, participants: Set(connections.map(\.participant)), reason: "kicked")
    }

    /// The host's mute of a user's audio or video: the SFU stops (or resumes) forwarding it and
    /// the room hears `track_muted`. Returns how many tracks changed.
    @discardableResult
    public func setMuted(_ muted: Bool, kind: String, user: String, in room: String) async -> Int {
        let connections = await hub.participants(of: user, in: room)
        let changed = await mediaPlane.setMuted(muted, kind: kind, participants: Set(connections.map(\.participant)), in: room)
        await hub.broadcast(.trackMuted(user: user, kind: kind, muted: muted), in: room)
        return changed.count
    }

    /// A guest the host removed is a viewer again: their connections are told, and whatever
    /// they published stops (their publishing sessions close; they may watch with a new offer).
    public func demoteToViewer(user: String, in room: String) async {
        let connections = await hub.changeRole(of: user, in: room, to: .viewer)
        guard !connections.isEmpty else { return }
        await mediaPlane.closeSessions(in: room, participants: Set(connections.map(\.participant)), reason: "no longer a guest")
    }

    /// An accepted invite: the user's guest token works again even if they were removed before.
    public func allowGuest(user: String, in room: String) async {
        await hub.restoreGuest(user, in: room)
    }

    /// Tells a room something happened (e.g. `guest_invited`).
    public func announce(_ event: LiveSessionEvent, in room: String) async {
        await hub.broadcast(event, in: room)
    }
}
